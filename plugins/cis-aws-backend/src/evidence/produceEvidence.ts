import {
  AccountEvaluation,
  AccountMapping,
  AccountSummary,
  EvidenceFormat,
  EvidenceOrganizationTrail,
  EvidencePacket,
  EvidenceTrail,
} from '@cis-aws/plugin-cis-aws-common';
import {
  EvaluationRecord,
  EvaluationStore,
  EvidenceChainStore,
  ExceptionStore,
} from '../storage/EvaluationStore';
import { EVIDENCE_CHAIN } from '../storage/evidenceChain';
import { ControlResultStore } from '../storage/ControlResultStore';
import { detectionEvidence } from './detectionEvidence';
import { evidenceTrail } from './evidenceTrail';
import {
  INTEGRITY_METHOD,
  sealPacket,
  signingFromKey,
} from './packetIntegrity';
import {
  buildEvidencePacket,
  EvidenceOptions,
  verdictSinceFrom,
} from './buildEvidencePacket';
import { evidenceGenerator } from './generator';
import { renderEvidenceMarkdown } from './renderEvidenceMarkdown';
import { redactSecretsDeep, redactSecretsInText } from './secretGuard';

/** Where a packet's data comes from: the stores only, never AWS. */
export interface EvidenceSources {
  store: Pick<
    EvaluationStore,
    'getEvaluationAt' | 'getHistory' | 'listVerifications' | 'listEpisodes'
  > &
    Pick<EvidenceChainStore, 'getEvaluationRecordAt' | 'getChainHeadAt'>;
  exceptions: Pick<ExceptionStore, 'listExceptions' | 'listExceptionEvents'>;
  options: EvidenceOptions;
  /** Configured secrets to redact wherever they occur (see `configuredSecrets`). */
  knownSecrets?: readonly string[];
  /** Detection content (`cis-3.x-detection`); without it the packet has no detection section. */
  controls?: Pick<
    ControlResultStore,
    'getControlResult' | 'getControlHistory' | 'listControlEpisodes'
  >;
}

export interface EvidenceRequest {
  mapping: AccountMapping;
  /**
   * The account's current result as stored, when known: its `verdictSince` is exact even after
   * history was pruned, so a packet showing that very evaluation uses it.
   */
  current?: Pick<AccountSummary, 'evaluatedAt' | 'verdict' | 'verdictSince'>;
  asOf: Date;
  producedAt: Date;
  producedBy: string;
}

/**
 * Reads everything about one account at `asOf` from the stores, builds its packet and redacts
 * it: the packet returned is safe to serve or write.
 */
export async function produceEvidencePacket(
  sources: EvidenceSources,
  request: EvidenceRequest,
): Promise<EvidencePacket> {
  const { store, exceptions, options } = sources;
  const { mapping, asOf } = request;
  const { accountId } = mapping;
  const from = new Date(asOf.getTime() - options.evidence.historyPeriodMs);
  const [
    evaluation,
    record,
    chainHead,
    changesUpToAsOf,
    verifications,
    allExceptions,
    events,
    episodes,
  ] = await Promise.all([
    store.getEvaluationAt(accountId, asOf),
    store.getEvaluationRecordAt(accountId, asOf),
    store.getChainHeadAt(accountId, asOf),
    store.getHistory(accountId, { to: asOf }),
    store.listVerifications(accountId, { from, to: asOf }),
    exceptions.listExceptions({ accountIds: [accountId] }),
    exceptions.listExceptionEvents(accountId),
    store.listEpisodes(accountId, { to: asOf }),
  ]);
  const organizationTrails = await organizationTrailsOf(
    sources,
    evaluation,
    asOf,
  );
  const { current } = request;
  let verdictSince: string | undefined;
  if (evaluation) {
    const isCurrent =
      current !== undefined &&
      current.verdict === evaluation.verdict &&
      Date.parse(current.evaluatedAt) === Date.parse(evaluation.evaluatedAt);
    verdictSince = isCurrent
      ? current.verdictSince
      : verdictSinceFrom(changesUpToAsOf, evaluation.verdict);
  }
  const packet = buildEvidencePacket({
    mapping,
    evaluation,
    verdictSince,
    changes: changesUpToAsOf,
    verifications,
    episodes,
    organizationTrails,
    exceptions: allExceptions,
    exceptionEvents: events,
    options,
    asOf,
    producedAt: request.producedAt,
    producedBy: request.producedBy,
    generator: evidenceGenerator(),
  });
  const detection = sources.controls
    ? await detectionEvidence(sources.controls, accountId, { from, asOf })
    : undefined;
  const guarded = redactSecretsDeep(
    detection ? { ...packet, detection } : packet,
    sources.knownSecrets,
  );
  // Hashes only: nothing here can hold a secret, and the digest covers the redacted packet.
  return sealPacket(
    {
      ...guarded.value,
      produced: { ...guarded.value.produced, redactions: guarded.redactions },
      integrity: {
        method: INTEGRITY_METHOD,
        chain: EVIDENCE_CHAIN,
        ...(chainHead
          ? {
              chainHead: {
                seq: chainHead.seq,
                hash: chainHead.hash,
                table: chainHead.table,
                at: chainHead.at,
              },
            }
          : {}),
        ...(record
          ? { evaluationRecord: { seq: record.seq, hash: record.hash } }
          : {}),
      },
    },
    signingFromKey(options.evidence.signingKey),
  );
}

/**
 * What a member's packet embeds of the owner's trail: the chain it relies on (the trail's
 * configuration, its delivery status, the log group, the role with its trust and permission
 * documents, the owner's verdict of it, console links), and nothing else of the owner account:
 * not the exception that may exempt the trail there (its reason, requester, ticket are the
 * owner's; the verdict says EXEMPT and the owner's packet has the rest), nor the owner's other
 * trails, history or Security Hub findings. The packet is self-contained on purpose, even for a
 * reader who may not read the owner's entity: an auditor of the member needs the chain, and
 * the chain holds no secret (the whole packet is redacted as any other).
 */
function chainOnly(
  trail: EvidenceTrail,
): Omit<EvidenceTrail, 'organizationTrail'> {
  const {
    exemptedBy: _exemptedBy,
    organizationTrail: _nested,
    ...chain
  } = trail;
  return chain;
}

/**
 * The organization trails of an evaluation whose verdict is their owner's, as the owner's
 * evaluation current at `asOf` saw them (with the owner's chained record in force then): the
 * chain a member account's packet relies on.
 */
async function organizationTrailsOf(
  sources: EvidenceSources,
  evaluation: AccountEvaluation | undefined,
  asOf: Date,
): Promise<Map<string, EvidenceOrganizationTrail>> {
  const result = new Map<string, EvidenceOrganizationTrail>();
  const inherited = (evaluation?.trails ?? []).filter(
    trail =>
      trail.inheritedFrom &&
      trail.inheritedFrom.accountId !== evaluation?.accountId,
  );
  const owners = new Map<
    string,
    Promise<[AccountEvaluation | undefined, EvaluationRecord | undefined]>
  >();
  for (const trail of inherited) {
    const ownerAccountId = trail.inheritedFrom!.accountId;
    if (!owners.has(ownerAccountId)) {
      owners.set(
        ownerAccountId,
        Promise.all([
          sources.store.getEvaluationAt(ownerAccountId, asOf),
          sources.store.getEvaluationRecordAt(ownerAccountId, asOf),
        ]),
      );
    }
    const [owner, record] = await owners.get(ownerAccountId)!;
    if (!owner || !record) {
      result.set(trail.trailArn, {
        ownerAccountId,
        missing: `The owner account ${ownerAccountId} had not been evaluated by ${asOf.toISOString()}.`,
      });
      continue;
    }
    const chained = {
      evaluatedAt: owner.evaluatedAt,
      seq: record.seq,
      hash: record.hash,
    };
    const ownersTrail = owner.trails.find(
      candidate =>
        candidate.trailArn === trail.trailArn && !candidate.inheritedFrom,
    );
    result.set(
      trail.trailArn,
      ownersTrail
        ? {
            ownerAccountId,
            evaluation: chained,
            trail: chainOnly(
              evidenceTrail(
                ownersTrail,
                owner,
                sources.options.securityHub.region,
              ),
            ),
          }
        : {
            ownerAccountId,
            evaluation: chained,
            missing: `The owner account's evaluation of ${owner.evaluatedAt} did not see this trail.`,
          },
    );
  }
  return result;
}

export const EVIDENCE_CONTENT_TYPES: Record<EvidenceFormat, string> = {
  json: 'application/json; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
};

/**
 * A packet as the bytes that leave: JSON (two-space indented, stable key order) or Markdown.
 * Markdown is scanned once more after rendering; `redactions` counts what that pass found (a
 * packet that went through `produceEvidencePacket` normally gives 0).
 */
export function serializeEvidence(
  packet: EvidencePacket,
  format: EvidenceFormat,
  knownSecrets: readonly string[] = [],
): { body: string; redactions: number } {
  if (format === 'json') {
    // Every string and key of the packet was redacted; numbers and booleans cannot hold one.
    const guarded = redactSecretsDeep(packet, knownSecrets);
    return {
      body: `${JSON.stringify(guarded.value, null, 2)}\n`,
      redactions: guarded.redactions,
    };
  }
  const guarded = redactSecretsInText(
    renderEvidenceMarkdown(packet),
    knownSecrets,
  );
  return { body: guarded.text, redactions: guarded.redactions };
}

/** The UTC day of a time, YYYY-MM-DD: how packets are filed. */
export function evidenceDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** `cis-2.4-evidence-<accountId>-<YYYY-MM-DD>.<ext>`: the download's file name. */
export function evidenceFileName(
  accountId: string,
  asOf: Date,
  format: EvidenceFormat,
): string {
  return `cis-2.4-evidence-${accountId}-${evidenceDay(asOf)}.${format}`;
}
