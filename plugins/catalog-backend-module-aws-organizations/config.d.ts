import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * Every account of an AWS Organization as a `kind: Resource`,
       * `spec.type: cloud-account` catalog entity, owner and system from the
       * account's tags. AWS credentials come from the standard `aws` config
       * of `@backstage/integration-aws-node`: the role of
       * `accountDefaults.roleName` (or an `accounts[]` entry) in the
       * management account, or the main account's credentials when it is the
       * management account itself.
       */
      awsOrganizations?: {
        /** The organization's management account (the one that may call ListAccounts), 12 digits, quoted. */
        managementAccountId: string;
        /** The Organizations endpoint's region. Default: us-east-1. */
        region?: string;
        /**
         * An AWS-compatible endpoint (a simulator, a proxy) for Organizations
         * and STS. Default: `cisAws.aws.endpoint` when set, else the SDK's own
         * choice (AWS_ENDPOINT_URL, else AWS).
         */
        endpoint?: string;
        /** Which account tags say who owns the account and which system it belongs to. */
        tags?: {
          /** Default: `owner`. Values: a full ref (`group:default/payments-team`) or a group name. */
          owner?: string;
          /** Default: `system`. Values: a full ref (`system:default/payments`) or a system name. */
          system?: string;
        };
        /** The namespace of the entities, and of tag values that name none. Default: `default`. */
        namespace?: string;
        /**
         * Also emit suspended, pending-closure and closed accounts, annotated
         * `cis-aws.io/account-status` (they are not evaluated). Default: false,
         * they leave the catalog.
         */
        includeSuspended?: boolean;
        /**
         * The `spec.owner` of accounts without a usable owner tag (a Resource
         * must have an owner); such accounts are also annotated
         * `cis-aws.io/owner-missing: 'true'`. Default:
         * `group:default/unowned-aws-accounts`.
         */
        unownedOwner?: string;
        /** When the organization is read. Default: every 30 minutes, timeout 10 minutes. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
