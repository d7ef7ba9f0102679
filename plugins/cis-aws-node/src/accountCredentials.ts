import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { Config } from '@backstage/config';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { AccountRole, awsAccountEntry, readAccountRole } from './accountRole';
import { memoizeCredentials } from './memoizeCredentials';

/**
 * Gives the credentials to act in an account, one provider per account,
 * shared by all of that account's clients.
 *
 * @public
 */
export interface AccountCredentials {
  forAccount(accountId: string): Promise<AwsCredentialIdentityProvider>;
}

/** @public */
export interface AccountCredentialsOptions {
  /** The app config; its standard `aws.*` section says how to reach accounts. */
  config: Config;
  /**
   * Where STS (and the rest of AWS) is reached instead of AWS itself: a
   * simulator, a proxy. Unset, `@backstage/integration-aws-node` does it all.
   */
  endpoint?: string;
  /** The `RoleSessionName` of the roles assumed through `endpoint`. */
  roleSessionName: string;
  /**
   * With `endpoint` set, an account that has neither a role nor an
   * `aws.accounts[]` entry of its own: `'integration'` (the default) asks the
   * credentials manager, which serves it only if it is the main account;
   * `'main-account'` uses the main account's credentials as they are, without
   * asking STS (at AWS, not the endpoint) whose they are.
   */
  unconfiguredAccount?: 'integration' | 'main-account';
  /**
   * Told of every attempt of a call to STS made here (`AssumeRole`, retries included), and of
   * its error code when it failed, so the caller can count them with its other AWS calls.
   */
  onStsCall?: (call: StsCall) => void;
}

/**
 * One attempt of a call to STS (see `AccountCredentialsOptions.onStsCall`).
 *
 * @public
 */
export interface StsCall {
  operation: string;
  /** Set when the attempt failed. */
  errorCode?: string;
  /**
   * The identity properties the account's credentials provider was called with by the caller
   * whose call needed the credentials: a caller may put its own there (e.g. what to count the
   * call into), instead of carrying that context in async-local storage.
   */
  identityProperties?: Record<string, unknown>;
}

/**
 * Credentials from the standard `aws.*` config of
 * `@backstage/integration-aws-node` (main account, `accountDefaults`,
 * per-account entries).
 *
 * The credentials manager's own STS client honours `AWS_ENDPOINT_URL` but not
 * an endpoint given in config. When one is given, the role of each account is
 * therefore assumed here, with the same `aws.*` settings and the main
 * account's credentials from the manager, through one STS client per region
 * that talks to that endpoint and serves every account.
 *
 * @public
 */
export function createAccountCredentials(
  options: AccountCredentialsOptions,
): AccountCredentials {
  const { config, endpoint, roleSessionName } = options;
  const unconfigured = options.unconfiguredAccount ?? 'integration';
  const manager = DefaultAwsCredentialsManager.fromConfig(config);
  const providers = new Map<string, Promise<AwsCredentialIdentityProvider>>();
  const stsClients = new Map<string, Promise<STSClient>>();

  const stsClient = (region: string) => {
    let client = stsClients.get(region);
    if (!client) {
      client = manager.getCredentialProvider().then(main => {
        const sts = new STSClient({
          region,
          endpoint,
          credentials: main.sdkCredentialProvider,
          // One client assumes every account's role: adaptive retries
          // slow it down as a whole when STS throttles.
          retryMode: 'adaptive',
          maxAttempts: 8,
        });
        return sts;
      });
      stsClients.set(region, client);
    }
    return client;
  };

  const assumeRole =
    (role: AccountRole): AwsCredentialIdentityProvider =>
    async identityProperties => {
      const sts = await stsClient(role.stsRegion);
      const command = new AssumeRoleCommand({
        RoleArn: role.roleArn,
        RoleSessionName: roleSessionName,
        ExternalId: role.externalId,
      });
      const onStsCall = options.onStsCall;
      if (onStsCall) {
        // On the command, not the shared client: each attempt is told with the properties of
        // the call that needed these credentials.
        command.middlewareStack.add(
          next => async args => {
            try {
              const result = await next(args);
              onStsCall({ operation: 'AssumeRole', identityProperties });
              return result;
            } catch (error) {
              const e = error as { name?: string; Code?: string };
              onStsCall({
                operation: 'AssumeRole',
                errorCode: e.Code ?? e.name ?? 'Error',
                identityProperties,
              });
              throw error;
            }
          },
          // deserialize runs inside the retry loop: every attempt is told; high: outside the
          // deserializer, so that it sees the error a failed attempt throws
          {
            step: 'deserialize',
            name: 'cisAwsStsCallCounter',
            priority: 'high',
          },
        );
      }
      const { Credentials: c } = await sts.send(command);
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

  async function create(
    accountId: string,
  ): Promise<AwsCredentialIdentityProvider> {
    const role = endpoint ? readAccountRole(config, accountId) : undefined;
    if (role) {
      return memoizeCredentials(assumeRole(role));
    }
    const asMainAccount =
      endpoint !== undefined &&
      unconfigured === 'main-account' &&
      !awsAccountEntry(config, accountId);
    const { sdkCredentialProvider } = await manager.getCredentialProvider(
      asMainAccount ? undefined : { accountId },
    );
    // The manager's providers are called as they always were, without the caller's properties.
    return memoizeCredentials(() => sdkCredentialProvider());
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
