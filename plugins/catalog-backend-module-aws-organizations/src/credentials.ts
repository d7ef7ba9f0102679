import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { Config } from '@backstage/config';
import {
  AwsCredentialProvider,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';

export type CredentialIdentityProvider =
  AwsCredentialProvider['sdkCredentialProvider'];

/** The role to assume in an account, from the standard `aws.*` config. */
interface AccountRole {
  roleArn: string;
  externalId?: string;
  stsRegion: string;
}

function awsAccountEntry(config: Config, accountId: string) {
  return config
    .getOptionalConfigArray('aws.accounts')
    ?.find(account => account.getString('accountId') === accountId);
}

/** `aws.accounts[]` for the account, else `aws.accountDefaults`, as @backstage/integration-aws-node reads them. */
function readAccountRole(
  config: Config,
  accountId: string,
): AccountRole | undefined {
  const override = awsAccountEntry(config, accountId);
  const defaults = config.getOptionalConfig('aws.accountDefaults');
  const setting = (key: string) =>
    override?.getOptionalString(key) ?? defaults?.getOptionalString(key);
  const roleName = setting('roleName');
  if (!roleName) return undefined;
  return {
    roleArn: `arn:${
      setting('partition') ?? 'aws'
    }:iam::${accountId}:role/${roleName}`,
    externalId: setting('externalId'),
    stsRegion: setting('region') ?? 'us-east-1',
  };
}

const REFRESH_MARGIN_MS = 5 * 60 * 1000;

type CredentialIdentity = Awaited<ReturnType<CredentialIdentityProvider>>;

/**
 * Assumes the role once, and again only shortly before the credentials
 * expire; calls that arrive while it is being assumed share that one call.
 */
function assumeRoleProvider(
  sts: STSClient,
  role: AccountRole,
): CredentialIdentityProvider {
  let current: Promise<CredentialIdentity> | undefined;
  const assume = async (): Promise<CredentialIdentity> => {
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: role.roleArn,
        RoleSessionName: 'backstage-aws-organizations',
        ExternalId: role.externalId,
      }),
    );
    if (!c?.AccessKeyId || !c.SecretAccessKey) {
      throw new Error(
        `sts:AssumeRole returned no credentials for ${role.roleArn}`,
      );
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  };
  const fresh = (identity: CredentialIdentity | undefined) => {
    const expiresAt = identity?.expiration?.getTime();
    return (
      identity !== undefined &&
      (expiresAt === undefined || expiresAt - Date.now() > REFRESH_MARGIN_MS)
    );
  };
  return async () => {
    const pending = current;
    if (!pending) {
      current = assume();
      return current;
    }
    const identity = await pending.catch(() => undefined);
    if (fresh(identity)) return identity!;
    // Expired, or failed before: assume again, once for all who noticed.
    if (current === pending) current = assume();
    return current ?? pending;
  };
}

/**
 * The credentials to call Organizations as the management account, from the
 * standard `aws.*` config of `@backstage/integration-aws-node`.
 *
 * Without an endpoint the credentials manager does it all. Its own STS
 * client, however, honours `AWS_ENDPOINT_URL` but not an endpoint given in
 * config; with one (a simulator, a proxy), the configured role is assumed
 * here through an STS client that talks to that endpoint, with the main
 * account's credentials. With no role configured for the management account,
 * an `aws.accounts[]` entry of its own (static keys, a profile) is used, else
 * the main account's credentials: the backend then runs as the management
 * account itself.
 */
export async function managementAccountCredentials(options: {
  config: Config;
  accountId: string;
  endpoint?: string;
}): Promise<CredentialIdentityProvider> {
  const { config, accountId, endpoint } = options;
  const manager = DefaultAwsCredentialsManager.fromConfig(config);
  if (!endpoint) {
    return (await manager.getCredentialProvider({ accountId }))
      .sdkCredentialProvider;
  }
  const role = readAccountRole(config, accountId);
  if (role) {
    const main = await manager.getCredentialProvider();
    const sts = new STSClient({
      region: role.stsRegion,
      endpoint,
      credentials: main.sdkCredentialProvider,
    });
    return assumeRoleProvider(sts, role);
  }
  if (awsAccountEntry(config, accountId)) {
    return (await manager.getCredentialProvider({ accountId }))
      .sdkCredentialProvider;
  }
  return (await manager.getCredentialProvider()).sdkCredentialProvider;
}
