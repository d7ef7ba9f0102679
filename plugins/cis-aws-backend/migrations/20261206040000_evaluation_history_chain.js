/*
 * Every evaluation behind a verdict or reason change, and each account's daily verification, in
 * one append-only table (cis_aws_evaluation_history), instead of one evaluation per account and
 * UTC day that each save overwrote (cis_aws_daily_results, carried over and dropped).
 *
 * Tamper evidence: every evaluation record and every verdict change carries the SHA-256 of its
 * content chained to the previous record of its account (seq 1, 2, … across both tables);
 * cis_aws_evidence_chains holds each account's head and, once retention pruned the start of a
 * chain, its anchor. See src/storage/evidenceChain.ts for the hashed document; the two copies
 * of the canonical JSON below and in src/lib/canonicalJson.ts must agree (the migration test
 * verifies carried-over data with the store's verifier).
 */

// @ts-check

const { createHash } = require('node:crypto');

const CHAIN = 'cis-aws-evidence-chain/v1';
const HISTORY = 'cis_aws_evaluation_history';
const CHANGES = 'cis_aws_verdict_changes';
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
      .sort(([a], [b]) => compareKeys(a, b));
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

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable(HISTORY, table => {
    table.comment(
      'The evaluation behind every verdict or reason change, and the first of each UTC day (the daily verification); append-only, hash-chained per account',
    );
    table.increments('id');
    table.string('account_id', 12).notNullable();
    table.integer('seq').notNullable().comment('Place in the account chain');
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
    table.string('day', 10).notNullable().comment('YYYY-MM-DD, UTC');
    table.string('verdict', 16).notNullable();
    table.string('reason', 64).nullable();
    table
      .boolean('changed')
      .notNullable()
      .comment('A verdict or reason of the account or a trail changed');
    table
      .text('evaluation')
      .notNullable()
      .comment('JSON of the AccountEvaluation');
    table.string('prev_hash', 64).nullable();
    table.string('hash', 64).notNullable();

    table.unique(['account_id', 'seq'], {
      indexName: 'cis_aws_evaluation_history_seq_idx',
    });
    table.index(
      ['account_id', 'evaluated_at'],
      'cis_aws_evaluation_history_account_idx',
    );
    table.index(['evaluated_at'], 'cis_aws_evaluation_history_time_idx');
  });

  await knex.schema.alterTable(CHANGES, table => {
    table.integer('seq').nullable().comment('Place in the account chain');
    table.string('prev_hash', 64).nullable();
    table.string('hash', 64).nullable();
  });

  await knex.schema.createTable(CHAINS, table => {
    table.comment(
      'The evidence chain of each account: its head, and where retention cut its start',
    );
    table.string('account_id', 12).primary().notNullable();
    table.integer('head_seq').notNullable();
    table.string('head_hash', 64).notNullable();
    table
      .integer('anchor_seq')
      .nullable()
      .comment('The last link deleted by retention');
    table.string('anchor_hash', 64).nullable();
  });

  // Carry the retained daily evaluations and every verdict change over, chained in time order
  // (an evaluation before the changes it caused).
  const daily = await knex('cis_aws_daily_results').orderBy([
    'account_id',
    'evaluated_at',
  ]);
  const changes = await knex(CHANGES).orderBy([
    'account_id',
    'changed_at',
    'id',
  ]);
  /** @type {Map<string, {time: number, kind: number, row: any}[]>} */
  const byAccount = new Map();
  const push = (/** @type {string} */ accountId, /** @type {any} */ item) => {
    const list = byAccount.get(accountId) ?? [];
    list.push(item);
    byAccount.set(accountId, list);
  };
  const changeTimes = new Set(
    changes.map(row => `${row.account_id}@${iso(row.changed_at)}`),
  );
  for (const row of daily)
    push(row.account_id, {
      time: Date.parse(iso(row.evaluated_at)),
      kind: 0,
      row,
    });
  for (const row of changes)
    push(row.account_id, {
      time: Date.parse(iso(row.changed_at)),
      kind: 1,
      row,
    });

  for (const [accountId, items] of byAccount) {
    items.sort((a, b) => a.time - b.time || a.kind - b.kind);
    let seq = 0;
    /** @type {string | null} */
    let prev = null;
    for (const { kind, row } of items) {
      seq += 1;
      if (kind === 0) {
        const evaluatedAt = iso(row.evaluated_at);
        const changed = changeTimes.has(`${accountId}@${evaluatedAt}`);
        const record = {
          evaluatedAt,
          verdict: row.verdict,
          reason: row.reason ?? null,
          changed,
          evaluation: JSON.parse(row.evaluation),
        };
        const hash = linkHash({ accountId, seq, table: HISTORY, prev, record });
        await knex(HISTORY).insert({
          account_id: accountId,
          seq,
          evaluated_at: evaluatedAt,
          day: evaluatedAt.slice(0, 10),
          verdict: row.verdict,
          reason: row.reason ?? null,
          changed,
          evaluation: row.evaluation,
          prev_hash: prev,
          hash,
        });
        prev = hash;
      } else {
        const record = {
          trailArn: row.trail_arn ?? null,
          from: row.from_verdict ?? null,
          to: row.to_verdict,
          reason: row.reason ?? null,
          changedAt: iso(row.changed_at),
          runId: row.run_id ?? null,
        };
        const hash = linkHash({ accountId, seq, table: CHANGES, prev, record });
        await knex(CHANGES)
          .where('id', row.id)
          .update({ seq, prev_hash: prev, hash });
        prev = hash;
      }
    }
    if (seq > 0 && prev !== null) {
      await knex(CHAINS).insert({
        account_id: accountId,
        head_seq: seq,
        head_hash: prev,
        anchor_seq: null,
        anchor_hash: null,
      });
    }
  }

  await knex.schema.dropTable('cis_aws_daily_results');
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.createTable('cis_aws_daily_results', table => {
    table.string('account_id', 12).notNullable();
    table.string('day', 10).notNullable();
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
    table.string('verdict', 16).notNullable();
    table.string('reason', 64).nullable();
    table.text('evaluation').notNullable();
    table.primary(['account_id', 'day']);
    table.index(['day'], 'cis_aws_daily_results_day_idx');
  });
  // The day's last evaluation back, as the old table kept it.
  const rows = await knex(HISTORY).orderBy(['account_id', 'evaluated_at']);
  /** @type {Map<string, any>} */
  const lastOfDay = new Map();
  for (const row of rows) lastOfDay.set(`${row.account_id}/${row.day}`, row);
  for (const row of lastOfDay.values()) {
    await knex('cis_aws_daily_results').insert({
      account_id: row.account_id,
      day: row.day,
      evaluated_at: row.evaluated_at,
      verdict: row.verdict,
      reason: row.reason,
      evaluation: row.evaluation,
    });
  }
  await knex.schema.dropTable(CHAINS);
  await knex.schema.alterTable(CHANGES, table => {
    table.dropColumn('seq');
    table.dropColumn('prev_hash');
    table.dropColumn('hash');
  });
  await knex.schema.dropTable(HISTORY);
};

/**
 * Keys in code-unit order, as the plugin's canonicalJson sorts them.
 * @param {string} a
 * @param {string} b
 */
function compareKeys(a, b) {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
