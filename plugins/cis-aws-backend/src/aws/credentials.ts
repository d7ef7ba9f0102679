import { Config } from '@backstage/config';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
} from '@aws-sdk/types';

/** Gives the credentials to act in an account, one provider per account. */
export interface CredentialsSource {
  forAccount(accountId: string): Promise<AwsCredentialIdentityProvider>;
}

const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * One set of credentials per account, shared by all of that account's
 * clients, refreshed five minutes before it expires. Without this every SDK
 * client would assume the role on its own: one AssumeRole per client instead
 * of one per account.
 */
export function memoizeCredentials(
  provider: AwsCredentialIdentityProvider,
  now: () => number = Date.now,
): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    if (current) {
      const identity = await current.catch(() => undefined);
      const expiresAt = identity?.expiration?.getTime();
      if (
        identity &&
        (expiresAt === undefined || expiresAt - now() > REFRESH_MARGIN_MS)
      ) {
        return identity;
      }
    }
    current = provider();
    return current;
  };
}

/** The role the backend assumes in an account, from the standard `aws` config. */
interface AccountRole {
  roleArn: string;
  externalId?: string;
  stsRegion: string;
}

function readAccountRole(
  config: Config,
  accountId: string,
): AccountRole | undefined {
  const aws = config.getOptionalConfig('aws');
  const override = aws
    ?.getOptionalConfigArray('accounts')
    ?.find(account => account.getString('accountId') === accountId);
  const defaults = aws?.getOptionalConfig('accountDefaults');
  const roleName =
    override?.getOptionalString('roleName') ??
    defaults?.getOptionalString('roleName');
  if (!roleName) {
    return undefined;
  }
  const partition =
    override?.getOptionalString('partition') ??
    defaults?.getOptionalString('partition') ??
    'aws';
  return {
    roleArn: `arn:${partition}:iam::${accountId}:role/${roleName}`,
    externalId:
      override?.getOptionalString('externalId') ??
      defaults?.getOptionalString('externalId'),
    stsRegion:
      override?.getOptionalString('region') ??
      defaults?.getOptionalString('region') ??
      'us-east-1',
  };
}

/**
 * Credentials from the standard `aws.*` config of
 * `@backstage/integration-aws-node` (main account, `accountDefaults.roleName`,
 * per-account overrides).
 *
 * The credentials manager's own STS client honours `AWS_ENDPOINT_URL` but not
 * an endpoint given in config. When `cisAws.aws.endpoint` is set, the role of
 * each account is therefore assumed here, with the same `aws.*` settings and
 * the main account's credentials from the manager, through one STS client
 * (per region) that talks to that endpoint and serves every account.
 */
export function createCredentialsSource(options: {
  config: Config;
  endpoint?: string;
}): CredentialsSource {
  const { config, endpoint } = options;
  const manager = DefaultAwsCredentialsManager.fromConfig(config);
  const providers = new Map<string, Promise<AwsCredentialIdentityProvider>>();
  const stsClients = new Map<string, Promise<STSClient>>();

  const stsClient = (region: string) => {
    let client = stsClients.get(region);
    if (!client) {
      client = manager.getCredentialProvider().then(
        main =>
          new STSClient({
            region,
            endpoint,
            credentials: main.sdkCredentialProvider,
            // One client assumes every account's role: adaptive retries
            // slow it down as a whole when STS throttles.
            retryMode: 'adaptive',
            maxAttempts: 8,
          }),
      );
      stsClients.set(region, client);
    }
    return client;
  };

  async function create(
    accountId: string,
  ): Promise<AwsCredentialIdentityProvider> {
    const role = endpoint ? readAccountRole(config, accountId) : undefined;
    if (!role) {
      const { sdkCredentialProvider } = await manager.getCredentialProvider({
        accountId,
      });
      return memoizeCredentials(sdkCredentialProvider);
    }
    return memoizeCredentials(async () => {
      const sts = await stsClient(role.stsRegion);
      const { Credentials: c } = await sts.send(
        new AssumeRoleCommand({
          RoleArn: role.roleArn,
          RoleSessionName: 'backstage-cis-aws',
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
    });
  }

  return {
    forAccount(accountId) {
      let provider = providers.get(accountId);
      if (!provider) {
        provider = create(accountId);
        providers.set(accountId, provider);
        provider.catch(() => providers.delete(accountId));
      }
      return provider;
    },
  };
}
