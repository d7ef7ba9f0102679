/**
 * The evidence chain: every stored evaluation record and verdict change of an account carries
 * the SHA-256 of its content chained to the previous link of the same account, so an edited,
 * inserted or deleted row shows.
 *
 * A link's hash is `sha256(canonicalJson({ chain, accountId, seq, table, prev, record }))`:
 *
 * - `chain`: {@link EVIDENCE_CHAIN}, the version of this definition;
 * - `seq`: the link's place in its account's chain, 1, 2, … across every chained table;
 * - `table`: the table the row is in (`cis_aws_evaluation_history`, `cis_aws_verdict_changes`,
 *   `cis_aws_exception_events`);
 * - `prev`: the previous link's hash, `null` for the first;
 * - `record`: the row's content (see {@link evaluationRecordContent}, {@link changeRecordContent},
 *   {@link exceptionEventRecordContent}),
 *   times as ISO 8601 UTC with milliseconds, absent values as `null`;
 *
 * and `canonicalJson` is RFC 8785 (src/lib/canonicalJson.ts). The same hashes are computed by
 * the migrations that carried older data over (migrations/20261206040000_… for evaluations and
 * changes, migrations/20261206090000_… for exception events).
 *
 * Retention deletes the oldest links; the account's row in `cis_aws_evidence_chains` then
 * records the last deleted link (the anchor), the chain continuing from its hash. Rows that
 * retention keeps although older (an account's latest verdict change, every exception event:
 * exceptions are tracked to closure and never deleted) are checked on their own.
 */
import { Knex } from 'knex';
import { sha256Canonical } from '../lib/canonicalJson';
import {
  DbTimestamp,
  EVALUATION_HISTORY_TABLE,
  EVIDENCE_CHAINS_TABLE,
  EvidenceChainRow,
  EvaluationHistoryRow,
  EXCEPTION_EVENTS_TABLE,
  ExceptionEventRow,
  VERDICT_CHANGES_TABLE,
  VerdictChangeRow,
  readTimestamp,
} from './tables';

export const EVIDENCE_CHAIN = 'cis-aws-evidence-chain/v1';

export type ChainTable =
  | typeof EVALUATION_HISTORY_TABLE
  | typeof VERDICT_CHANGES_TABLE
  | typeof EXCEPTION_EVENTS_TABLE;

/** One link as hashed. */
export interface ChainLinkContent {
  accountId: string;
  seq: number;
  table: ChainTable;
  prev: string | null;
  record: Record<string, unknown>;
}

export function linkHash(link: ChainLinkContent): string {
  return sha256Canonical({ chain: EVIDENCE_CHAIN, ...link });
}

/** The hashed content of an evaluation record. */
export function evaluationRecordContent(row: {
  evaluated_at: DbTimestamp;
  verdict: string;
  reason: string | null;
  changed: boolean | number;
  evaluation: string;
}): Record<string, unknown> {
  return {
    evaluatedAt: readTimestamp(row.evaluated_at),
    verdict: row.verdict,
    reason: row.reason ?? null,
    changed: Boolean(row.changed),
    evaluation: JSON.parse(row.evaluation),
  };
}

/** The hashed content of a verdict change. */
export function changeRecordContent(
  row: VerdictChangeRow,
): Record<string, unknown> {
  return {
    trailArn: row.trail_arn ?? null,
    from: row.from_verdict ?? null,
    to: row.to_verdict,
    reason: row.reason ?? null,
    changedAt: readTimestamp(row.changed_at),
    runId: row.run_id ?? null,
  };
}

/**
 * The hashed content of an exception event (the account is part of every link already).
 * `details` is the stored JSON object; a row whose details no longer parse cannot match.
 */
export function exceptionEventRecordContent(
  row: Pick<
    ExceptionEventRow,
    'exception_id' | 'action' | 'actor' | 'at' | 'comment' | 'details'
  >,
): Record<string, unknown> {
  let details: unknown;
  try {
    details = JSON.parse(row.details);
  } catch {
    details = { unreadableDetails: row.details };
  }
  return {
    exceptionId: row.exception_id,
    action: row.action,
    actor: row.actor,
    at: readTimestamp(row.at),
    comment: row.comment ?? null,
    details,
  };
}

/** Where a link sits and what it says it is. */
export interface ChainStamp {
  seq: number;
  prev_hash: string | null;
  hash: string;
}

/**
 * Appends links to an account's chain inside `trx`: locks the account's chain row (so
 * concurrent appends of one account take turns, on PostgreSQL; SQLite serializes writers),
 * stamps each record in order and moves the head. The caller inserts the rows with their stamps
 * in the same transaction.
 */
export async function appendToChain(
  trx: Knex.Transaction,
  accountId: string,
  records: { table: ChainTable; record: Record<string, unknown> }[],
): Promise<ChainStamp[]> {
  if (records.length === 0) return [];
  const read = () =>
    trx<EvidenceChainRow>(EVIDENCE_CHAINS_TABLE)
      .where('account_id', accountId)
      .forUpdate()
      .first();
  let head: EvidenceChainRow | undefined = await read();
  if (!head) {
    // The account's first link. Two writers (an evaluation and an exception request) may both
    // get here: the insert of the one waits for the other's transaction on PostgreSQL and then
    // does nothing, and the row read again is locked by whichever comes second.
    await trx<EvidenceChainRow>(EVIDENCE_CHAINS_TABLE)
      .insert({
        account_id: accountId,
        head_seq: 0,
        head_hash: '',
        anchor_seq: null,
        anchor_hash: null,
      })
      .onConflict('account_id')
      .ignore();
    head = await read();
  }
  let seq = head?.head_seq ?? 0;
  let prev: string | null = seq > 0 ? head?.head_hash ?? null : null;
  const stamps = records.map(({ table, record }) => {
    seq += 1;
    const hash = linkHash({ accountId, seq, table, prev, record });
    const stamp = { seq, prev_hash: prev, hash };
    prev = hash;
    return stamp;
  });
  const last = stamps[stamps.length - 1];
  await trx<EvidenceChainRow>(EVIDENCE_CHAINS_TABLE)
    .where('account_id', accountId)
    .update({ head_seq: last.seq, head_hash: last.hash });
  return stamps;
}

/** One stored link, as read back for verification. */
export interface StoredLink {
  table: ChainTable;
  /** The row's id. */
  id: number;
  /** When the row says it happened. */
  at: string;
  seq: number | null;
  prevHash: string | null;
  hash: string | null;
  content: Record<string, unknown>;
}

/** The first link of a chain that does not hold, named so someone can find the row. */
export interface BrokenLink {
  accountId: string;
  table: string;
  rowId?: number;
  seq?: number;
  at?: string;
  problem: string;
}

/** Reads every link of an account's chain. */
export async function readLinks(
  db: Knex,
  accountId: string,
): Promise<{ links: StoredLink[]; chain?: EvidenceChainRow }> {
  const [evaluations, changes, events, chain] = await Promise.all([
    db<EvaluationHistoryRow>(EVALUATION_HISTORY_TABLE)
      .where('account_id', accountId)
      .orderBy('id'),
    db<VerdictChangeRow>(VERDICT_CHANGES_TABLE)
      .where('account_id', accountId)
      .orderBy('id'),
    db<ExceptionEventRow>(EXCEPTION_EVENTS_TABLE)
      .where('account_id', accountId)
      .orderBy('id'),
    db<EvidenceChainRow>(EVIDENCE_CHAINS_TABLE)
      .where('account_id', accountId)
      .first(),
  ]);
  const links: StoredLink[] = [];
  for (const row of evaluations) {
    let content: Record<string, unknown>;
    try {
      content = evaluationRecordContent(row);
    } catch {
      content = { unreadableEvaluation: true }; // cannot match its hash
    }
    links.push({
      table: EVALUATION_HISTORY_TABLE,
      id: row.id!,
      at: readTimestamp(row.evaluated_at),
      seq: row.seq,
      prevHash: row.prev_hash,
      hash: row.hash,
      content,
    });
  }
  for (const row of changes) {
    links.push({
      table: VERDICT_CHANGES_TABLE,
      id: row.id!,
      at: readTimestamp(row.changed_at),
      seq: row.seq ?? null,
      prevHash: row.prev_hash ?? null,
      hash: row.hash ?? null,
      content: changeRecordContent(row),
    });
  }
  for (const row of events) {
    links.push({
      table: EXCEPTION_EVENTS_TABLE,
      id: row.id!,
      at: readTimestamp(row.at),
      seq: row.seq ?? null,
      prevHash: row.prev_hash ?? null,
      hash: row.hash ?? null,
      content: exceptionEventRecordContent(row),
    });
  }
  return { links, chain };
}

/**
 * Re-checks an account's chain: each link's hash over its content, the links after the anchor
 * contiguous from it, and the last one the recorded head. Returns the first link that does not
 * hold (lowest place in the chain), or undefined when all do.
 */
export function verifyLinks(
  accountId: string,
  links: readonly StoredLink[],
  chain: EvidenceChainRow | undefined,
): BrokenLink | undefined {
  const name = (link: StoredLink, problem: string): BrokenLink => ({
    accountId,
    table: link.table,
    rowId: link.id,
    ...(link.seq !== null ? { seq: link.seq } : {}),
    at: link.at,
    problem,
  });
  const unplaced = links.find(link => link.seq === null || link.hash === null);
  if (unplaced) return name(unplaced, 'the row carries no chain hash');
  const sorted = [...links].sort((a, b) => a.seq! - b.seq!);
  for (const link of sorted) {
    const expected = linkHash({
      accountId,
      seq: link.seq!,
      table: link.table,
      prev: link.prevHash,
      record: link.content,
    });
    if (expected !== link.hash) {
      return name(
        link,
        "the row's content does not match its hash (edited after it was written)",
      );
    }
  }
  if (sorted.length === 0) {
    return chain
      ? {
          accountId,
          table: EVIDENCE_CHAINS_TABLE,
          seq: chain.head_seq,
          problem: `the chain's head is link ${chain.head_seq} but no link is stored`,
        }
      : undefined;
  }
  if (!chain) {
    return {
      accountId,
      table: EVIDENCE_CHAINS_TABLE,
      problem: 'the account has chained rows but no chain head',
    };
  }
  const anchorSeq = chain.anchor_seq ?? 0;
  let expectedSeq = anchorSeq + 1;
  let expectedPrev: string | null = chain.anchor_hash ?? null;
  for (const link of sorted) {
    if (link.seq! <= anchorSeq) continue; // kept by retention: checked on its own above
    if (link.seq! !== expectedSeq) {
      return name(
        link,
        link.seq! < expectedSeq
          ? `link ${link.seq} appears twice`
          : `links ${expectedSeq}–${
              link.seq! - 1
            } before it are missing (deleted)`,
      );
    }
    if (link.prevHash !== expectedPrev) {
      return name(
        link,
        `it does not follow link ${
          expectedSeq - 1
        } (its previous hash differs)`,
      );
    }
    expectedSeq += 1;
    expectedPrev = link.hash;
  }
  if (expectedSeq - 1 !== chain.head_seq || expectedPrev !== chain.head_hash) {
    return {
      accountId,
      table: EVIDENCE_CHAINS_TABLE,
      seq: chain.head_seq,
      problem: `the chain ends at link ${
        expectedSeq - 1
      } but its recorded head is link ${
        chain.head_seq
      } (links deleted, or the head edited)`,
    };
  }
  return undefined;
}
