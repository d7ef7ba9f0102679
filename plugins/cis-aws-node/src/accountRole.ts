import { Config } from '@backstage/config';

/**
 * The role to assume in an account, from the standard `aws.*` config as
 * `@backstage/integration-aws-node` reads it: the account's own
 * `aws.accounts[]` entry, else `aws.accountDefaults`.
 *
 * @public
 */
export interface AccountRole {
  roleArn: string;
  externalId?: string;
  /** The region of the STS endpoint that assumes it. */
  stsRegion: string;
}

/** The account's `aws.accounts[]` entry, if it has one. */
export function awsAccountEntry(
  config: Config,
  accountId: string,
): Config | undefined {
  return config
    .getOptionalConfigArray('aws.accounts')
    ?.find(account => account.getString('accountId') === accountId);
}

/**
 * The role configured for the account, or undefined when neither its
 * `aws.accounts[]` entry nor `aws.accountDefaults` names one.
 *
 * @public
 */
export function readAccountRole(
  config: Config,
  accountId: string,
): AccountRole | undefined {
  const override = awsAccountEntry(config, accountId);
  const defaults = config.getOptionalConfig('aws.accountDefaults');
  const setting = (key: string) =>
    override?.getOptionalString(key) ?? defaults?.getOptionalString(key);
  const roleName = setting('roleName');
  if (!roleName) return undefined;
  const partition = setting('partition') ?? 'aws';
  return {
    roleArn: `arn:${partition}:iam::${accountId}:role/${roleName}`,
    externalId: setting('externalId'),
    stsRegion: setting('region') ?? 'us-east-1',
  };
}
