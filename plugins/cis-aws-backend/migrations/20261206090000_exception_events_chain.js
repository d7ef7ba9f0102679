/*
 * Exception events join the evidence chain: each event of cis_aws_exception_events carries the
 * SHA-256 of its content chained to the previous link of its account, in the same chain as the
 * account's kept evaluations and verdict changes (seq 1, 2, … across the three tables).
 *
 * Existing events are chained in time order, interleaved with the account's existing links as
 * a chain built live would have them: the links before the account's first event keep their
 * place and hash (packets that stated them stay verifiable), the later ones are renumbered and
 * hashed again around the events. Two exceptions, so that the migration never launders or
 * breaks anything:
 * - links at or before the retention anchor stay where they are (the chain continues from the
 *   anchor's hash), so events older than the anchor follow it;
 * - an account whose existing chain after that point does not verify (a row edited, deleted) is
 *   not rehashed: its events are appended after its head, and verify still names the edit.
 *
 * The hashed content is src/storage/evidenceChain.ts's (exceptionEventRecordContent); the copy
 * of the canonical JSON below must agree with src/lib/canonicalJson.ts (the migration test
 * verifies carried-over events with the store's verifier).
 */

// @ts-check

const { createHash } = require('node:crypto');

const CHAIN = 'cis-aws-evidence-chain/v1';
const HISTORY = 'cis_aws_evaluation_history';
const CHANGES = 'cis_aws_verdict_changes';
const EVENTS = 'cis_aws_exception_events';
const CHAINS = 'cis_aws_evidence_chains';

/** @param {unknown} value @returns {string} */
function canonicalJson(value) {
  if (value === null) return 'null';
  if (typeof value === 'string' || typeof value === 'boolean')
    return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Object.is(value, -0))
      throw new TypeError(`No canonical JSON for the number ${value}`);
    return JSON.stringify(value);
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value))
    return `[${value
      .map(item => (item === undefined ? 'null' : canonicalJson(item)))
      .join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : Number(a > b)));
    return `{${entries
      .map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`)
      .join(',')}}`;
  }
  throw new TypeError(`No canonical JSON for a ${typeof value}`);
}

/** @param {unknown} value */
function iso(value) {
  return new Date(/** @type {any} */ (value)).toISOString();
}

/** @param {{accountId: string, seq: number, table: string, prev: string | null, record: object}} link */
function linkHash(link) {
  return createHash('sha256')
    .update(canonicalJson({ chain: CHAIN, ...link }), 'utf8')
    .digest('hex');
}

/** @param {any} row */
function evaluationRecord(row) {
  return {
    evaluatedAt: iso(row.evaluated_at),
    verdict: row.verdict,
    reason: row.reason ?? null,
    changed: Boolean(row.changed),
    evaluation: JSON.parse(row.evaluation),
  };
}

/** @param {any} row */
function changeRecord(row) {
  return {
    trailArn: row.trail_arn ?? null,
    from: row.from_verdict ?? null,
    to: row.to_verdict,
    reason: row.reason ?? null,
    changedAt: iso(row.changed_at),
    runId: row.run_id ?? null,
  };
}

/** @param {any} row */
function eventRecord(row) {
  let details;
  try {
    details = JSON.parse(row.details);
  } catch {
    details = { unreadableDetails: row.details };
  }
  return {
    exceptionId: row.exception_id,
    action: row.action,
    actor: row.actor,
    at: iso(row.at),
    comment: row.comment ?? null,
    details,
  };
}

/**
 * @typedef {{table: string, id: number, time: number, kind: number, seq: number, hash: string | null, prev: string | null, record: () => object}} Link
 */

/** The account's existing links (evaluations and changes), in chain order. */
async function existingLinks(
  /** @type {import('knex').Knex} */ knex,
  /** @type {string} */ accountId,
) {
  const history = await knex(HISTORY).where('account_id', accountId);
  const changes = await knex(CHANGES)
    .where('account_id', accountId)
    .whereNotNull('seq');
  /** @type {Link[]} */
  const links = [
    ...history.map(row => ({
      table: HISTORY,
      id: row.id,
      time: Date.parse(iso(row.evaluated_at)),
      kind: 0,
      seq: Number(row.seq),
      hash: row.hash,
      prev: row.prev_hash ?? null,
      record: () => evaluationRecord(row),
    })),
    ...changes.map(row => ({
      table: CHANGES,
      id: row.id,
      time: Date.parse(iso(row.changed_at)),
      kind: 1,
      seq: Number(row.seq),
      hash: row.hash,
      prev: row.prev_hash ?? null,
      record: () => changeRecord(row),
    })),
  ];
  return links.sort((a, b) => a.seq - b.seq);
}

/** Do the links after `start` (whose hash is `prev`) hold as stored? */
function holds(
  /** @type {string} */ accountId,
  /** @type {Link[]} */ tail,
  /** @type {number} */ start,
  /** @type {string | null} */ startHash,
) {
  let seq = start;
  let prev = startHash;
  for (const link of tail) {
    seq += 1;
    if (link.seq !== seq || link.prev !== prev) return false;
    let expected;
    try {
      expected = linkHash({
        accountId,
        seq,
        table: link.table,
        prev,
        record: link.record(),
      });
    } catch {
      return false;
    }
    if (expected !== link.hash) return false;
    prev = link.hash;
  }
  return true;
}

/**
 * Numbers and hashes `items` from `start` (whose hash is `prev`) on, writes them and moves
 * the head. The evaluation table's (account, seq) is unique: its rows move through negative
 * numbers first.
 */
async function writeChain(
  /** @type {import('knex').Knex} */ knex,
  /** @type {string} */ accountId,
  /** @type {Link[]} */ items,
  /** @type {number} */ start,
  /** @type {string | null} */ startHash,
  /** @type {any} */ chainRow,
) {
  let prev = startHash;
  for (const item of items) {
    if (item.table === HISTORY) {
      await knex(HISTORY).where('id', item.id).update({ seq: -item.id });
    }
  }
  let seq = start;
  for (const item of items) {
    seq += 1;
    const hash = linkHash({
      accountId,
      seq,
      table: item.table,
      prev,
      record: item.record(),
    });
    await knex(item.table)
      .where('id', item.id)
      .update({ seq, prev_hash: prev, hash });
    prev = hash;
  }
  if (seq === start || prev === null) return;
  if (chainRow) {
    await knex(CHAINS)
      .where('account_id', accountId)
      .update({ head_seq: seq, head_hash: prev });
  } else {
    await knex(CHAINS).insert({
      account_id: accountId,
      head_seq: seq,
      head_hash: prev,
      anchor_seq: null,
      anchor_hash: null,
    });
  }
}

/** The hash of link `seq`: a stored link's, the anchor's, or none before link 1. */
function hashAt(
  /** @type {Link[]} */ links,
  /** @type {number} */ seq,
  /** @type {any} */ chainRow,
) {
  if (seq === 0) return null;
  const link = links.find(candidate => candidate.seq === seq);
  if (link) return link.hash;
  return chainRow && Number(chainRow.anchor_seq) === seq
    ? chainRow.anchor_hash
    : null;
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable(EVENTS, table => {
    table.integer('seq').nullable().comment('Place in the account chain');
    table.string('prev_hash', 64).nullable();
    table.string('hash', 64).nullable();
    table.index(['account_id', 'seq'], 'cis_aws_exception_events_seq_idx');
  });

  const events = await knex(EVENTS).orderBy(['account_id', 'at', 'id']);
  /** @type {Map<string, any[]>} */
  const byAccount = new Map();
  for (const row of events) {
    const list = byAccount.get(row.account_id) ?? [];
    list.push(row);
    byAccount.set(row.account_id, list);
  }

  for (const [accountId, rows] of byAccount) {
    const chainRow = await knex(CHAINS).where('account_id', accountId).first();
    const links = await existingLinks(knex, accountId);
    const anchorSeq = chainRow?.anchor_seq ? Number(chainRow.anchor_seq) : 0;
    /** @type {Link[]} */
    const eventLinks = rows.map(row => ({
      table: EVENTS,
      id: row.id,
      time: Date.parse(iso(row.at)),
      kind: 2,
      seq: 0,
      hash: null,
      prev: null,
      record: () => eventRecord(row),
    }));
    const firstEvent = eventLinks[0].time;
    // Links up to the first one later than the first event keep their place.
    const firstLater = links.find(
      link => link.seq > anchorSeq && link.time > firstEvent,
    );
    const lastSeq = links.length > 0 ? links[links.length - 1].seq : 0;
    let start = Math.max(anchorSeq, firstLater ? firstLater.seq - 1 : lastSeq);
    let tail = links.filter(link => link.seq > start);
    if (!holds(accountId, tail, start, hashAt(links, start, chainRow))) {
      start = lastSeq; // append after the head, rehash nothing
      tail = [];
    }
    const items = [...tail, ...eventLinks].sort(
      (a, b) =>
        a.time - b.time ||
        Number(a.kind === 2) - Number(b.kind === 2) ||
        (a.kind === 2 ? a.id - b.id : a.seq - b.seq),
    );
    await writeChain(
      knex,
      accountId,
      items,
      start,
      hashAt(links, start, chainRow),
      chainRow,
    );
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  // The events leave the chains: each account's links after its first event are renumbered
  // and hashed again without them (those at or before the anchor stay).
  /** @type {{account_id: string, first: number | string}[]} */
  const firsts = await knex(EVENTS)
    .whereNotNull('seq')
    .groupBy('account_id')
    .select('account_id', knex.raw('min(seq) as first'));
  for (const { account_id: accountId, first } of firsts) {
    const chainRow = await knex(CHAINS).where('account_id', accountId).first();
    const links = await existingLinks(knex, accountId);
    const anchorSeq = chainRow?.anchor_seq ? Number(chainRow.anchor_seq) : 0;
    const start = Math.max(anchorSeq, Number(first) - 1);
    const tail = links.filter(link => link.seq > start);
    const prev = hashAt(links, start, chainRow);
    if (tail.length > 0) {
      await writeChain(knex, accountId, tail, start, prev, chainRow);
    } else if (start > 0 && prev !== null) {
      await knex(CHAINS)
        .where('account_id', accountId)
        .update({ head_seq: start, head_hash: prev });
    } else {
      await knex(CHAINS).where('account_id', accountId).delete();
    }
  }
  await knex.schema.alterTable(EVENTS, table => {
    table.dropIndex(['account_id', 'seq'], 'cis_aws_exception_events_seq_idx');
    table.dropColumn('seq');
    table.dropColumn('prev_hash');
    table.dropColumn('hash');
  });
};
