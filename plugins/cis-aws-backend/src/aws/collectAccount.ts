import { Trail, TrailInfo } from '@aws-sdk/client-cloudtrail';
import { DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import {
  AccountFacts,
  ApiError,
  LogGroupFacts,
  RoleFacts,
  TrailFacts,
  TrailStatusFacts,
} from '@cis-aws/plugin-cis-aws-common';
import { DESCRIBE_ORGANIZATION, parseArn } from '../rules';
import { AccountClients } from './clients';
import { toApiError } from './errors';
import { collectTrailInventory, InventoryMode } from './inventory';
import { readLogGroup } from './logGroup';
import { readRole } from './role';
import { RolePolicyReuse } from './rolePolicyMemory';
import { readTrailStatus } from './trailStatus';

export interface CollectionOptions {
  mode: InventoryMode;
  defaultRegion: string;
  /** The regions to inventory in `region` mode. */
  regions: readonly string[];
  /** Accounts this product evaluates: an org trail they own is read by them. */
  inScopeAccountIds: ReadonlySet<string>;
  partition: string;
  now: () => Date;
  /** Whether the role's policy documents may be shown again from an earlier read. */
  rolePolicies?: RolePolicyReuse;
}

/**
 * Everything the rules need about one account, from AWS, as plain data.
 * Never throws: every failed call becomes an ApiError in the facts, so one
 * account's trouble is that account's ERROR and nothing else's.
 *
 * Calls for a healthy account with one trail of its own: sts:AssumeRole,
 * cloudtrail:ListTrails, cloudtrail:DescribeTrails, then at once
 * cloudtrail:GetTrailStatus, logs:DescribeLogGroups, iam:GetRole and
 * iam:SimulatePrincipalPolicy — 7, whatever the number of regions — plus the
 * role's policy documents (iam:ListRolePolicies, iam:GetRolePolicy per inline
 * policy, iam:ListAttachedRolePolicies, iam:GetPolicy and
 * iam:GetPolicyVersion per managed one) when no earlier read of them may be
 * shown again (`rolePolicies`).
 */
export async function collectAccountFacts(
  clients: AccountClients,
  options: CollectionOptions,
): Promise<AccountFacts> {
  const base = {
    accountId: clients.accountId,
    partition: options.partition,
    inventoryErrors: [] as ApiError[],
  };
  try {
    await clients.resolveCredentials();
  } catch (error) {
    return {
      ...base,
      regionsScanned: [],
      regionsSkipped: [],
      regionsFailed: [],
      inventoryErrors: [toApiError('sts:AssumeRole', error)],
      trails: [],
      collectedAt: options.now().toISOString(),
    };
  }

  const inventory = await collectTrailInventory(clients, options);
  const organizationId = lazy(() => readOrganizationId(clients));
  const trails = await Promise.all(
    inventory.trails.map(trail =>
      collectTrail(clients, trail, options, organizationId),
    ),
  );
  trails.push(
    ...inventory.unreachable.map(({ info, error }) =>
      unreachableTrail(clients.accountId, info, error, options),
    ),
  );
  trails.sort((a, b) => a.arn.localeCompare(b.arn));
  return {
    ...base,
    regionsScanned: inventory.regionsScanned,
    regionsSkipped: inventory.regionsSkipped,
    regionsFailed: inventory.regionsFailed,
    trails,
    collectedAt: options.now().toISOString(),
  };
}

async function collectTrail(
  clients: AccountClients,
  trail: Trail,
  options: CollectionOptions,
  organizationId: () => Promise<{ id?: string; error?: ApiError }>,
): Promise<TrailFacts> {
  const arn = trail.TrailARN!;
  const ownerAccountId = parseArn(arn)?.accountId ?? clients.accountId;
  const foreign = ownerAccountId !== clients.accountId;
  const homeRegion = trail.HomeRegion ?? options.defaultRegion;
  const logGroupArn = blankToNull(trail.CloudWatchLogsLogGroupArn);
  const roleArn = blankToNull(trail.CloudWatchLogsRoleArn);
  const isOrganizationTrail = trail.IsOrganizationTrail ?? false;

  let status: TrailStatusFacts;
  let logGroup: LogGroupFacts;
  let role: RoleFacts;
  const apiErrors: ApiError[] = [];

  if (foreign && options.inScopeAccountIds.has(ownerAccountId)) {
    // The owner account is evaluated too and its reading is the one that
    // counts (contract: the trail takes the owner's evaluation), so nothing
    // more is asked from here.
    status = { state: 'HIDDEN' };
    logGroup = { state: 'NOT_CHECKED', why: 'OTHER_ACCOUNT' };
    role = { state: 'NOT_CHECKED', why: 'OTHER_ACCOUNT' };
  } else {
    const org = isOrganizationTrail && !foreign ? await organizationId() : {};
    if (org.error) apiErrors.push(org.error);
    [status, logGroup, role] = await Promise.all([
      readTrailStatus(clients, { arn, homeRegion, foreign }),
      readLogGroup(clients, logGroupArn),
      readRole(
        clients,
        {
          roleArn,
          logGroupArn,
          ownerAccountId,
          homeRegion,
          isOrganizationTrail,
          organizationId: org.id,
        },
        { now: options.now, reuse: options.rolePolicies },
      ),
    ]);
  }

  if (status.state !== 'READ' && status.error) apiErrors.push(status.error);
  if (logGroup.state === 'FAILED') apiErrors.push(logGroup.error);
  if (role.state === 'FAILED') apiErrors.push(role.error);
  if (role.state === 'FOUND' && role.permission.state === 'FAILED') {
    apiErrors.push(...role.permission.errors);
  }
  if (role.state === 'FOUND' && role.permission.state === 'DECIDED') {
    const { documentsError } = role.permission;
    if (documentsError) apiErrors.push(documentsError);
  }

  return {
    arn,
    name: trail.Name ?? arn.split('/').pop() ?? arn,
    seenFromAccountId: clients.accountId,
    ownerAccountId,
    homeRegion,
    isMultiRegion: trail.IsMultiRegionTrail ?? false,
    isOrganizationTrail,
    logGroupArn,
    roleArn,
    status,
    logGroup,
    role,
    apiErrors,
  };
}

/**
 * A trail whose home region this account cannot call: only what ListTrails said is known (see
 * `TrailFacts.homeRegionUnreachable`); nothing more is asked.
 */
function unreachableTrail(
  accountId: string,
  info: TrailInfo,
  error: ApiError,
  options: CollectionOptions,
): TrailFacts {
  const arn = info.TrailARN!;
  const ownerAccountId = parseArn(arn)?.accountId ?? accountId;
  return {
    arn,
    name: info.Name ?? arn.split('/').pop() ?? arn,
    seenFromAccountId: accountId,
    ownerAccountId,
    homeRegion: info.HomeRegion ?? options.defaultRegion,
    isMultiRegion: false,
    // Another account's trail is only ever seen through its organization.
    isOrganizationTrail: ownerAccountId !== accountId,
    logGroupArn: null,
    roleArn: null,
    status: { state: 'HIDDEN', error },
    logGroup: { state: 'NOT_CHECKED', why: 'HOME_REGION_UNREACHABLE' },
    role: { state: 'NOT_CHECKED', why: 'HOME_REGION_UNREACHABLE' },
    apiErrors: [error],
    homeRegionUnreachable: error,
  };
}

async function readOrganizationId(
  clients: AccountClients,
): Promise<{ id?: string; error?: ApiError }> {
  try {
    const { Organization } = await clients
      .organizations()
      .send(new DescribeOrganizationCommand({}));
    return { id: Organization?.Id };
  } catch (error) {
    return { error: toApiError(DESCRIBE_ORGANIZATION, error) };
  }
}

function blankToNull(value: string | undefined): string | null {
  return value && value.trim() !== '' ? value : null;
}

function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= load());
}
