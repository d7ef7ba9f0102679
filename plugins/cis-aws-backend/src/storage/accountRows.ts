/**
 * An account's row, built from its newest evaluation and the row it replaces, and read back as
 * the shapes of the API.
 */
import {
  AccountEvaluation,
  AccountMapping,
  AccountSummary,
  DefinitiveResult,
  DetectionSummary,
  SecurityHubStatus,
  VERDICT_SEVERITY_ORDER,
  Verdict,
  isDefinitiveVerdict,
  verdictSeverity,
} from '@cis-aws/plugin-cis-aws-common';
import { StoredAccountDetail } from './EvaluationStore';
import {
  AccountListColumns,
  AccountRow,
  AccountSummaryRow,
  optionalVerdict,
  orUndefined,
  readBoolean,
  readOptionalTimestamp,
  readTimestamp,
  readVerdict,
  toIsoUtc,
} from './tables';

/**
 * The row after saving `evaluation`. The last definitive result moves only with a definitive
 * verdict; an ERROR or UNKNOWN carries the previous one (and its full evaluation) forward.
 */
export function buildAccountRow(input: {
  mapping: AccountMapping;
  evaluation: AccountEvaluation;
  previous?: AccountRow;
}): AccountRow {
  const { mapping, evaluation, previous } = input;
  const evaluatedAt = toIsoUtc(evaluation.evaluatedAt);
  const verdictUnchanged =
    previous !== undefined && previous.verdict === evaluation.verdict;
  const definitive = isDefinitiveVerdict(evaluation.verdict);

  return {
    account_id: mapping.accountId,
    ...mappingColumns(mapping),
    verdict: evaluation.verdict,
    verdict_rank: verdictRank(evaluation.verdict),
    reason: evaluation.reason ?? null,
    evaluated_at: evaluatedAt,
    verdict_since: verdictUnchanged
      ? readTimestamp(previous.verdict_since)
      : evaluatedAt,
    ...(definitive
      ? {
          last_definitive_verdict: evaluation.verdict,
          last_definitive_reason: evaluation.reason ?? null,
          last_definitive_evaluated_at: evaluatedAt,
        }
      : {
          last_definitive_verdict: previous?.last_definitive_verdict ?? null,
          last_definitive_reason: previous?.last_definitive_reason ?? null,
          last_definitive_evaluated_at:
            readOptionalTimestamp(previous?.last_definitive_evaluated_at) ??
            null,
        }),
    security_hub_status: evaluation.securityHub?.status ?? null,
    security_hub_agrees: evaluation.securityHub
      ? evaluation.securityHub.agrees
      : null,
    latest_delivery_time: latestCloudWatchLogsDelivery(evaluation) ?? null,
    trail_reasons: trailReasons(evaluation).join(',') || null,
    evaluation: JSON.stringify(evaluation),
    definitive_evaluation: definitive
      ? null
      : carriedDefinitiveEvaluation(previous),
  };
}

/** Where the account sits in the catalog, and the list columns derived from it. */
export function mappingColumns(
  mapping: AccountMapping,
): Pick<AccountRow, 'entity_ref' | 'title' | 'owner_ref' | 'system_ref'> &
  Omit<AccountListColumns, 'verdict_rank'> {
  const ownerRef = mapping.ownerRef ?? null;
  const systemRef = mapping.systemRef ?? null;
  return {
    entity_ref: mapping.entityRef,
    title: mapping.title,
    owner_ref: ownerRef,
    system_ref: systemRef,
    sort_title: sortTitle(mapping.title),
    entity_ref_lower: lowerText(mapping.entityRef),
    owner_ref_lower: ownerRef === null ? null : lowerText(ownerRef),
    system_ref_lower: systemRef === null ? null : lowerText(systemRef),
    search_text: lowerText(
      [mapping.accountId, mapping.title, ownerRef ?? '', systemRef ?? '']
        .filter(Boolean)
        .join('\u001f'),
    ),
  };
}

/** How refs and search text are compared: ignoring case. */
export function lowerText(value: string): string {
  return value.toLocaleLowerCase('en-US');
}

/**
 * The key titles sort by, the same on SQLite and PostgreSQL (compared code point by code
 * point): without case or accents, and with every number padded so that "Account 9" comes
 * before "Account 10".
 */
export function sortTitle(title: string): string {
  return lowerText(
    title.normalize('NFKD').replace(/[\u0300-\u036f]/g, ''),
  ).replace(/\d+/g, digits =>
    digits.replace(/^0+(?=\d)/, '').padStart(20, '0'),
  );
}

/** The verdict's place worst first (FAIL 0 … PASS 4), which the list sorts by. */
export function verdictRank(verdict: Verdict): number {
  return VERDICT_SEVERITY_ORDER.indexOf(verdict);
}

/** The last definitive evaluation as it stood before a non-definitive one replaces the latest. */
function carriedDefinitiveEvaluation(
  previous: AccountRow | undefined,
): string | null {
  if (!previous) {
    return null;
  }
  if (previous.definitive_evaluation !== null) {
    return previous.definitive_evaluation;
  }
  return isDefinitiveVerdict(readVerdict(previous.verdict))
    ? previous.evaluation
    : null;
}

/**
 * The most recent CloudWatch Logs delivery over the trails whose status could be read. Trails
 * whose status is hidden or failed say nothing about delivery.
 */
export function latestCloudWatchLogsDelivery(
  evaluation: AccountEvaluation,
): string | undefined {
  let latest: number | undefined;
  for (const trail of evaluation.trails) {
    const status = trail.facts.status;
    if (
      status.state !== 'READ' ||
      status.latestCloudWatchLogsDeliveryTime === null
    ) {
      continue;
    }
    const time = Date.parse(status.latestCloudWatchLogsDeliveryTime);
    if (!Number.isNaN(time) && (latest === undefined || time > latest)) {
      latest = time;
    }
  }
  return latest === undefined ? undefined : new Date(latest).toISOString();
}

const SECURITY_HUB_STATUSES: readonly SecurityHubStatus[] = [
  'PASS',
  'FAIL',
  'UNKNOWN',
];

function readSecurityHub(
  row: AccountSummaryRow,
): AccountSummary['securityHub'] {
  const status = SECURITY_HUB_STATUSES.find(
    candidate => candidate === row.security_hub_status,
  );
  return status
    ? { status, agrees: readBoolean(row.security_hub_agrees) }
    : undefined;
}

export function summaryFromRow(row: AccountSummaryRow): AccountSummary {
  const verdict = readVerdict(row.verdict);
  const lastDefinitiveVerdict = optionalVerdict(row.last_definitive_verdict);
  const lastDefinitiveAt = readOptionalTimestamp(
    row.last_definitive_evaluated_at,
  );
  const lastDefinitive: DefinitiveResult | undefined =
    lastDefinitiveVerdict && lastDefinitiveAt
      ? {
          verdict: lastDefinitiveVerdict,
          reason: orUndefined(row.last_definitive_reason),
          evaluatedAt: lastDefinitiveAt,
        }
      : undefined;

  return {
    accountId: row.account_id,
    entityRef: row.entity_ref,
    title: row.title,
    ownerRef: orUndefined(row.owner_ref),
    systemRef: orUndefined(row.system_ref),
    verdict,
    reason: orUndefined(row.reason),
    evaluatedAt: readTimestamp(row.evaluated_at),
    verdictSince: readTimestamp(row.verdict_since),
    ...(row.failing_since
      ? { failingSince: readTimestamp(row.failing_since) }
      : {}),
    lastDefinitive,
    stale: !isDefinitiveVerdict(verdict) && lastDefinitive !== undefined,
    securityHub: readSecurityHub(row),
    latestDeliveryTime: readOptionalTimestamp(row.latest_delivery_time),
    trailReasons: row.trail_reasons ? row.trail_reasons.split(',') : [],
    ...(row.detection_listing
      ? { detection: JSON.parse(row.detection_listing) as DetectionSummary }
      : {}),
  };
}

/** The distinct reasons of the trails that fail or could not be decided, worst first. */
export function trailReasons(evaluation: AccountEvaluation): string[] {
  const reasons = evaluation.trails
    .filter(
      trail =>
        ['FAIL', 'ERROR', 'UNKNOWN'].includes(trail.verdict) && trail.reason,
    )
    .sort((a, b) => verdictSeverity(b.verdict) - verdictSeverity(a.verdict))
    .map(trail => trail.reason!);
  return [...new Set(reasons)];
}

function parseEvaluation(json: string): AccountEvaluation {
  return JSON.parse(json) as AccountEvaluation;
}

export function detailFromRow(row: AccountRow): StoredAccountDetail {
  return {
    ...summaryFromRow(row),
    evaluation: parseEvaluation(row.evaluation),
    lastDefinitiveEvaluation:
      row.definitive_evaluation === null
        ? undefined
        : parseEvaluation(row.definitive_evaluation),
  };
}

export function evaluationFromRow(row: AccountRow): AccountEvaluation {
  return parseEvaluation(row.evaluation);
}
