import { createHash } from 'node:crypto';
import { ObjectReader, WorldValidationError, readAccountId } from './reader';
import {
  AccountSpec,
  FINDING_STATUSES,
  FindingSpec,
  RECORD_STATES,
  SEVERITY_LABELS,
  WORKFLOW_STATUSES,
} from './schema';
import { trailArn } from './trails';

const TRAIL_ARN = /^arn:[\w-]+:cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/;

/** A stable, UUID-shaped id so findings keep their Id across restarts. */
function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(
    17,
    20,
  )}-${h.slice(20, 32)}`;
}

export function findingArnId(
  f: Pick<FindingSpec, 'account' | 'region' | 'controlId'>,
  uuid: string,
): string {
  return f.controlId
    ? `arn:aws:securityhub:${f.region}:${f.account}:security-control/${f.controlId}/finding/${uuid}`
    : `arn:aws:securityhub:${f.region}:${f.account}:subscription/cis-aws-foundations-benchmark/v/1.2.0/2.4/finding/${uuid}`;
}

/**
 * One Security Hub finding about a trail: `trail` is a trail name of the
 * account (resolved to its ARN) or a full trail ARN (which may name a trail
 * that no longer exists, as stale findings do); `trailArn` is accepted too.
 */
export function readFinding(
  value: unknown,
  path: string,
  index: number,
  accounts: Map<string, AccountSpec>,
  partition: string,
): FindingSpec {
  const r = ObjectReader.of(value, path);
  const account = readAccountId(r.raw('account'), r.at('account'));
  const owner = accounts.get(account);
  if (!owner)
    throw new WorldValidationError(
      r.at('account'),
      `account ${account} is not in the world`,
    );
  if (r.has('trail') && r.has('trailArn'))
    r.fail('trailArn', 'give either trail or trailArn, not both');
  const trailRef = r.has('trailArn') ? r.string('trailArn') : r.string('trail');
  let arn: string;
  if (trailRef.startsWith('arn:')) {
    if (!TRAIL_ARN.test(trailRef))
      r.fail('trail', `"${trailRef}" is not a trail ARN`);
    arn = trailRef;
  } else {
    const trail = owner.trails.find(t => t.name === trailRef);
    if (!trail) {
      throw new WorldValidationError(
        r.at('trail'),
        `account ${account} has no trail "${trailRef}" (give a full ARN for a trail that no longer exists)`,
      );
    }
    arn = trailArn(partition, trail.homeRegion, account, trail.name);
  }
  const region = r.string('region', TRAIL_ARN.exec(arn)![1]);
  const status = r.oneOf('status', FINDING_STATUSES);
  const updatedAt = r.time('updatedAt', '-1h') ?? '-1h';
  const controlRaw = r.raw('controlId');
  if (
    controlRaw !== undefined &&
    controlRaw !== null &&
    (typeof controlRaw !== 'string' || !controlRaw)
  ) {
    r.fail(
      'controlId',
      'expected a control id like CloudTrail.5, or null for a legacy CIS 1.2 finding',
    );
  }
  const controlId =
    controlRaw === undefined ? 'CloudTrail.5' : (controlRaw as string | null);
  const finding: FindingSpec = {
    id: '',
    account,
    trailArn: arn,
    region,
    status,
    recordState: r.oneOf('recordState', RECORD_STATES, 'ACTIVE'),
    workflowStatus: r.oneOf(
      'workflowStatus',
      WORKFLOW_STATUSES,
      status === 'PASSED' ? 'RESOLVED' : 'NEW',
    ),
    severity: r.oneOf(
      'severity',
      SEVERITY_LABELS,
      status === 'PASSED' ? 'INFORMATIONAL' : 'LOW',
    ),
    createdAt: r.time('createdAt', updatedAt) ?? updatedAt,
    updatedAt,
    controlId,
  };
  const id = r.optionalString('id');
  finding.id =
    id ??
    findingArnId(
      finding,
      stableUuid(`${account}|${arn}|${index}|${updatedAt}`),
    );
  r.done();
  return finding;
}

export function checkFindingIds(findings: FindingSpec[], path: string): void {
  const seen = new Set<string>();
  findings.forEach((f, i) => {
    if (seen.has(f.id))
      throw new WorldValidationError(
        `${path}[${i}].id`,
        `duplicate finding id "${f.id}"`,
      );
    seen.add(f.id);
  });
}
