import {
  AccountEvaluation,
  AccountMapping,
  ComplianceException,
  EVIDENCE_SCHEMA,
  EvidenceOrganizationTrail,
  EvidencePacket,
  EvidenceVerification,
  ExceptionAuditEvent,
  isExceptionActive,
  REASON_DESCRIPTIONS,
  ReasonCode,
  Verdict,
  VerdictChange,
  WARNING_DESCRIPTIONS,
  FailureEpisode,
} from '@cis-aws/plugin-cis-aws-common';
import { evidenceTrail } from './evidenceTrail';

/** The settings a packet reads (from `cisAws.*`, read by `src/config.ts`). */
export interface EvidenceOptions {
  evidence: {
    /** The control statement the packet opens with. */
    controlStatement: string;
    /** Which accounts and trails are in scope, in words. */
    scope: string;
    /** How far back a packet's history reaches. */
    historyPeriodMs: number;
    /**
     * The key packets are signed with (HMAC-SHA256, `cisAws.evidence.signingKey`); unsigned
     * without one. A secret: never logged, served or written into a packet.
     */
    signingKey?: string;
  };
  /** The region of Security Hub's console links. */
  securityHub: { region: string };
  maxDeliveryAgeMs: number;
}

/** Everything a packet is made of, as read from the stores; nothing here calls AWS. */
export interface EvidenceInput {
  mapping: AccountMapping;
  /** The latest evaluation at or before `asOf`, if there was one. */
  evaluation?: AccountEvaluation;
  /** Since when the account has had the evaluation's verdict (see `verdictSinceFrom`). */
  verdictSince?: string;
  /** Verdict changes of the account and its trails; those outside the period are dropped. */
  changes: VerdictChange[];
  /** Daily verifications; those outside the period are dropped. */
  verifications: EvidenceVerification[];
  /**
   * Failure episodes of the account and its trails (contract "Failure age"); those started
   * after `asOf` or ended before the period are dropped, and one that ended after `asOf` is
   * shown open.
   */
  episodes?: FailureEpisode[];
  /**
   * By trail ARN: the organization trails whose verdict is their owner's, as the owner's
   * evaluation at `asOf` saw them.
   */
  organizationTrails?: ReadonlyMap<string, EvidenceOrganizationTrail>;
  /** Every exception of the account, whatever its status. */
  exceptions: ComplianceException[];
  exceptionEvents: ExceptionAuditEvent[];
  options: EvidenceOptions;
  asOf: Date;
  producedAt: Date;
  /** An entity ref or a service subject. */
  producedBy: string;
  /** `<package name>@<version>`. */
  generator: string;
}

const HOUR_MS = 60 * 60 * 1000;

function timeOf(iso: string): number {
  return Date.parse(iso);
}

/** Not after `at` (an unreadable time is not known to be so, and is left out). */
function notAfter(iso: string, at: Date): boolean {
  return timeOf(iso) <= at.getTime();
}

/**
 * Since when the account has had `verdict`, from its account-level changes up to the packet's
 * time: the latest change that brought the verdict, skipping changes of reason under the same
 * verdict (history records those too). Unknown (undefined) when history cannot tell — the
 * change that brought the verdict was pruned, or the data disagree: better no date than a
 * wrong one.
 */
export function verdictSinceFrom(
  changesUpToAsOf: readonly VerdictChange[],
  verdict: Verdict,
): string | undefined {
  const accountChanges = changesUpToAsOf
    .filter(change => change.trailArn === undefined)
    .sort((a, b) => timeOf(a.changedAt) - timeOf(b.changedAt));
  const latest = accountChanges[accountChanges.length - 1];
  if (latest?.to !== verdict) return undefined;
  for (let i = accountChanges.length - 1; i >= 0; i -= 1) {
    const change = accountChanges[i];
    if (change.to !== verdict) return undefined;
    if (change.from !== verdict) return change.changedAt;
  }
  return undefined;
}

/**
 * An exception as it stood at `asOf`: a decision or a revocation that happened later is not yet
 * part of it, so a packet for a past date reads the same whenever it is produced.
 */
function exceptionAsOf(
  exception: ComplianceException,
  asOf: Date,
): ComplianceException {
  const asItWas = { ...exception };
  const decidedAt = exception.approvedAt ?? exception.rejectedAt;
  if (
    exception.state !== 'PENDING' &&
    decidedAt !== undefined &&
    !notAfter(decidedAt, asOf)
  ) {
    asItWas.state = 'PENDING';
    delete asItWas.approvedBy;
    delete asItWas.approvedAt;
    delete asItWas.rejectedBy;
    delete asItWas.rejectedAt;
    delete asItWas.decisionComment;
  }
  if (
    exception.revokedAt !== undefined &&
    !notAfter(exception.revokedAt, asOf)
  ) {
    delete asItWas.revokedAt;
    delete asItWas.revokedBy;
    delete asItWas.revokeReason;
  }
  return asItWas;
}

function reasonText(reason: string | undefined): string | undefined {
  const description =
    reason === undefined
      ? undefined
      : REASON_DESCRIPTIONS[reason as ReasonCode];
  return description
    ? `${description.title}: ${description.explanation}`
    : undefined;
}

function evidenceResult(
  evaluation: AccountEvaluation,
): NonNullable<EvidencePacket['result']> {
  const text = reasonText(evaluation.reason);
  return {
    evaluatedAt: evaluation.evaluatedAt,
    verdict: evaluation.verdict,
    ...(evaluation.reason ? { reason: evaluation.reason } : {}),
    ...(text ? { reasonText: text } : {}),
    ...(evaluation.detail ? { detail: evaluation.detail } : {}),
    underlyingVerdict: evaluation.underlyingVerdict,
    ...(evaluation.underlyingReason
      ? { underlyingReason: evaluation.underlyingReason }
      : {}),
    warnings: evaluation.warnings.map(warning => {
      const description = WARNING_DESCRIPTIONS[warning.code];
      return {
        code: warning.code,
        detail: description
          ? `${description.title}: ${warning.detail}`
          : warning.detail,
        ...(warning.trailArn ? { trailArn: warning.trailArn } : {}),
      };
    }),
    inventory: {
      partition: evaluation.inventory.partition,
      regionsScanned: [...evaluation.inventory.regionsScanned],
      regionsSkipped: [...evaluation.inventory.regionsSkipped],
      regionsFailed: evaluation.inventory.regionsFailed.map(
        failed => failed.region,
      ),
    },
  };
}

/**
 * The episodes as they stood at `asOf` that overlap the period: started by then, and open then
 * or ended within the period. One that ended after `asOf` was open at `asOf`.
 */
export function episodesAsOf(
  episodes: readonly FailureEpisode[],
  from: Date,
  asOf: Date,
): FailureEpisode[] {
  return episodes
    .filter(episode => notAfter(episode.startedAt, asOf))
    .map((episode): FailureEpisode => {
      if (episode.endedAt && notAfter(episode.endedAt, asOf)) return episode;
      const { endedAt: _endedAt, durationMs: _durationMs, ...open } = episode;
      return open;
    })
    .filter(
      episode =>
        !episode.endedAt || timeOf(episode.endedAt) >= from.getTime(),
    )
    .sort(byTime(episode => episode.startedAt));
}

function byTime<T>(timeOfItem: (item: T) => string) {
  return (a: T, b: T) => timeOf(timeOfItem(a)) - timeOf(timeOfItem(b));
}

/**
 * The evidence packet of one account at `asOf`, from what the stores hold: pure, so the HTTP
 * route and the bulk export produce the same packet from the same data.
 */
export function buildEvidencePacket(input: EvidenceInput): EvidencePacket {
  const { mapping, evaluation, options, asOf } = input;
  const from = new Date(asOf.getTime() - options.evidence.historyPeriodMs);
  const inPeriod = (iso: string) =>
    timeOf(iso) >= from.getTime() && timeOf(iso) <= asOf.getTime();

  const exceptions = input.exceptions
    .filter(exception => notAfter(exception.createdAt, asOf))
    .map(exception => exceptionAsOf(exception, asOf))
    .sort(byTime(exception => exception.createdAt));
  const activeExceptions = exceptions.filter(exception =>
    isExceptionActive(exception, asOf),
  );
  const exceptionEvents = input.exceptionEvents
    .filter(event => notAfter(event.at, asOf))
    .sort(byTime(event => event.at));
  const episodes = input.episodes
    ? episodesAsOf(input.episodes, from, asOf)
    : undefined;
  const failingSince = episodes?.find(
    episode => !episode.trailArn && !episode.endedAt,
  )?.startedAt;

  const packet: EvidencePacket = {
    schema: EVIDENCE_SCHEMA,
    control: {
      framework: 'CIS AWS Foundations Benchmark v1.2',
      id: '2.4',
      title: 'Ensure CloudTrail trails are integrated with CloudWatch Logs',
      securityHubControlId: 'CloudTrail.5',
      statement: options.evidence.controlStatement,
      scope: options.evidence.scope,
      maxDeliveryAgeHours: options.maxDeliveryAgeMs / HOUR_MS,
    },
    account: {
      accountId: mapping.accountId,
      entityRef: mapping.entityRef,
      title: mapping.title,
      ...(mapping.ownerRef ? { ownerRef: mapping.ownerRef } : {}),
      ...(mapping.systemRef ? { systemRef: mapping.systemRef } : {}),
    },
    asOf: asOf.toISOString(),
    ...(evaluation ? { result: evidenceResult(evaluation) } : {}),
    ...(evaluation && input.verdictSince
      ? { verdictSince: input.verdictSince }
      : {}),
    ...(failingSince ? { failingSince } : {}),
    trails: evaluation
      ? evaluation.trails.map(trail => {
          const evidence = evidenceTrail(
            trail,
            evaluation,
            options.securityHub.region,
          );
          const owners = input.organizationTrails?.get(trail.trailArn);
          return owners ? { ...evidence, organizationTrail: owners } : evidence;
        })
      : [],
    ...(evaluation?.securityHub ? { securityHub: evaluation.securityHub } : {}),
    history: {
      period: { from: from.toISOString(), to: asOf.toISOString() },
      changes: input.changes
        .filter(change => inPeriod(change.changedAt))
        .sort(byTime(change => change.changedAt)),
      verifications: input.verifications
        .filter(verification => inPeriod(verification.evaluatedAt))
        .sort(byTime(verification => verification.evaluatedAt)),
      ...(episodes ? { episodes } : {}),
    },
    activeExceptions,
    exceptions,
    exceptionEvents,
    produced: {
      at: input.producedAt.toISOString(),
      by: input.producedBy,
      generator: input.generator,
    },
  };
  return packet;
}
