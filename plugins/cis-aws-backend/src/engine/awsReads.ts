import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { AccountFacts, apiErrorCodeText } from '@cis-aws/plugin-cis-aws-common';
import { AwsClientFactory } from '../aws/clients';
import { collectAccountFacts } from '../aws/collectAccount';
import { toApiError } from '../aws/errors';
import {
  RememberedPolicies,
  RememberedPoliciesSource,
  RolePolicyMemory,
} from '../aws/rolePolicyMemory';
import type { EvaluationStore } from '../storage/EvaluationStore';
import { readCloudTrail5Findings } from '../aws/securityHubFindings';
import {
  FindingsByAccount,
  indexFindingsByAccount,
  parseArn,
  selectCloudTrail5Findings,
} from '../rules';
import type { CisAwsOptions } from '../config';

/**
 * One account's facts. Never throws: collectAccountFacts turns AWS failures
 * into facts itself; anything else (a bug, a credentials misconfiguration)
 * lands here and is still that account's data, not the run's end.
 */
export async function collectAccount(input: {
  aws: AwsClientFactory;
  accountId: string;
  inScope: ReadonlySet<string>;
  options: CisAwsOptions;
  now: () => Date;
  logger: LoggerService;
  /** Earlier reads of the roles' policy documents (see RolePolicyMemory). */
  rolePolicies?: RolePolicyMemory;
}): Promise<AccountFacts> {
  const { aws, accountId, inScope, options, now, logger } = input;
  try {
    const clients = await aws.forAccount(accountId);
    return await collectAccountFacts(clients, {
      mode: options.inventoryMode,
      defaultRegion: options.defaultRegion,
      regions: options.regions,
      inScopeAccountIds: inScope,
      partition: options.partition,
      now,
      rolePolicies: input.rolePolicies && {
        memory: input.rolePolicies,
        maxAgeMs: options.rolePolicyMaxAgeMs,
      },
    });
  } catch (error) {
    logger.child({ accountId }).warn('collecting the account failed', {
      error: toError(error).message,
    });
    return {
      accountId,
      partition: options.partition,
      regionsScanned: [],
      regionsSkipped: [],
      regionsFailed: [],
      inventoryErrors: [toApiError('collect', error)],
      trails: [],
      collectedAt: now().toISOString(),
    };
  }
}

export interface SecurityHubRead {
  /**
   * The de-duplicated findings by account, indexed once for the run. undefined when Security
   * Hub is off or could not be read: no opinion, not a FAIL.
   */
  findings?: FindingsByAccount;
  /** Run-level problems to record. */
  errors: string[];
}

/** Security Hub's CloudTrail.5 findings, read once, de-duplicated. */
export async function readSecurityHubOpinions(input: {
  aws: AwsClientFactory;
  options: CisAwsOptions;
  onlyAccountId?: string;
}): Promise<SecurityHubRead> {
  const { enabled, administratorAccountId, region } = input.options.securityHub;
  if (!enabled) return { errors: [] };
  if (!administratorAccountId) {
    return {
      errors: [
        'Security Hub is enabled but cisAws.securityHub.administratorAccountId is not set',
      ],
    };
  }
  try {
    const clients = await input.aws.forAccount(administratorAccountId);
    // The role is assumed first, so that a refusal is recorded as what it is, not as a failed
    // GetFindings (credentials are otherwise resolved lazily by the first call).
    try {
      await clients.resolveCredentials();
    } catch (error) {
      const refused = toApiError('sts:AssumeRole', error);
      return {
        errors: [
          `Security Hub: sts:AssumeRole into the administrator account ${administratorAccountId} (cisAws.securityHub.administratorAccountId) failed: ${apiErrorCodeText(
            refused,
          )}: ${refused.message}`,
        ],
      };
    }
    const read = await readCloudTrail5Findings(clients, {
      region,
      partition: input.options.partition,
      onlyAccountId: input.onlyAccountId,
    });
    if (read.errors.length > 0) {
      return {
        errors: read.errors.map(
          e =>
            `Security Hub: ${e.operation} ${apiErrorCodeText(e)}: ${e.message}`,
        ),
      };
    }
    return {
      findings: indexFindingsByAccount(
        selectCloudTrail5Findings(read.findings),
      ),
      errors: [],
    };
  } catch (error) {
    return { errors: [`Security Hub: ${toError(error).message}`] };
  }
}

/**
 * The role policy documents of the account's stored evaluation, for a role and log group the
 * memory does not know (after a restart, or when another instance ran the last evaluation): only
 * a complete read beside a simulation's decision, with the time it was read.
 */
export function storedRolePolicies(
  store: Pick<EvaluationStore, 'getAccount'>,
): RememberedPoliciesSource {
  return async ({ roleArn, logGroupArn }) => {
    const accountId = parseArn(roleArn)?.accountId;
    if (!accountId) return undefined;
    const stored = await store.getAccount(accountId);
    for (const trail of stored?.evaluation.trails ?? []) {
      const { role } = trail.facts;
      if (
        role.state !== 'FOUND' ||
        role.arn !== roleArn ||
        trail.facts.logGroupArn !== logGroupArn
      ) {
        continue;
      }
      const permission = role.permission;
      if (
        permission.state === 'DECIDED' &&
        permission.decidedBy === 'SIMULATION' &&
        !permission.documentsError &&
        permission.policiesReadAt
      ) {
        const remembered: RememberedPolicies = {
          policies: permission.policies,
          readAt: permission.policiesReadAt,
          decision: permission.decision,
          details: permission.details,
        };
        return remembered;
      }
    }
    return undefined;
  };
}
