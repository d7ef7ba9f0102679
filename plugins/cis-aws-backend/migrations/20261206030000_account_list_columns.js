/*
 * The accounts list, its totals, the owners' ranking and entity aggregates are filtered, sorted,
 * counted and paged in SQL. Their inputs become columns, written with each row:
 * - verdict_rank: the verdict's place worst first (FAIL 0, ERROR 1, UNKNOWN 2, EXEMPT 3, PASS 4);
 * - sort_title: the title without case or accents, numbers padded so they sort by value;
 * - entity_ref_lower, owner_ref_lower, system_ref_lower: the refs lower-cased (refs match
 *   ignoring case);
 * - search_text: account id, title, owner and system, lower-cased, for substring search.
 * Text columns that are sorted compare code point by code point on both databases (COLLATE "C"
 * on PostgreSQL, SQLite's BINARY), so both give the same order.
 *
 * On SQLite, a column added by ALTER TABLE goes after the JSON documents, and reading it means
 * walking the document's overflow pages; the table is rebuilt with every small column first.
 * PostgreSQL keeps large values out of line (TOAST) whatever the column order.
 *
 * The derivations below are frozen copies of src/storage/accountRows.ts's `listColumns`; the
 * migration test checks that both agree.
 */

// @ts-check

const TABLE = 'cis_aws_accounts';
const SEVERITY_ORDER = ['FAIL', 'ERROR', 'UNKNOWN', 'EXEMPT', 'PASS'];

/** @param {string} value */
function lower(value) {
  return value.toLocaleLowerCase('en-US');
}

/** @param {string} title */
function sortTitle(title) {
  return lower(title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '')).replace(
    /\d+/g,
    digits => digits.replace(/^0+(?=\d)/, '').padStart(20, '0'),
  );
}

/**
 * @param {{ account_id: string, entity_ref: string, title: string, owner_ref: string | null,
 *   system_ref: string | null, verdict: string }} row
 */
function listColumns(row) {
  const rank = SEVERITY_ORDER.indexOf(row.verdict);
  return {
    verdict_rank: rank < 0 ? SEVERITY_ORDER.length : rank,
    sort_title: sortTitle(row.title),
    entity_ref_lower: lower(row.entity_ref),
    owner_ref_lower: row.owner_ref === null ? null : lower(row.owner_ref),
    system_ref_lower: row.system_ref === null ? null : lower(row.system_ref),
    search_text: lower(
      [row.account_id, row.title, row.owner_ref ?? '', row.system_ref ?? '']
        .filter(Boolean)
        .join('\u001f'),
    ),
  };
}

/** @param {import('knex').Knex} knex */
function isSqlite(knex) {
  return String(knex.client.config.client ?? '').includes('sqlite');
}

/** @param {import('knex').Knex} knex */
async function backfill(knex) {
  const rows = await knex(TABLE).select(
    'account_id',
    'entity_ref',
    'title',
    'owner_ref',
    'system_ref',
    'verdict',
  );
  for (const row of rows) {
    await knex(TABLE)
      .where('account_id', row.account_id)
      .update(listColumns(row));
  }
}

/**
 * @param {import('knex').Knex} knex
 * @param {string} table
 */
async function createIndexes(knex, table) {
  await knex.schema.alterTable(table, t => {
    t.index(
      ['verdict_rank', 'sort_title', 'account_id'],
      'cis_aws_accounts_list_idx',
    );
    t.index(['sort_title', 'account_id'], 'cis_aws_accounts_title_idx');
    t.index(['owner_ref_lower'], 'cis_aws_accounts_owner_lower_idx');
    t.index(['system_ref_lower'], 'cis_aws_accounts_system_lower_idx');
    t.index(['entity_ref_lower'], 'cis_aws_accounts_entity_lower_idx');
    // Totals and owners' counts read only these indexes, the caller's visibility included.
    t.index(
      ['verdict', 'entity_ref_lower'],
      'cis_aws_accounts_verdict_entity_idx',
    );
    t.index(
      ['owner_ref', 'verdict', 'entity_ref_lower'],
      'cis_aws_accounts_owner_verdict_idx',
    );
  });
}

/** @param {import('knex').Knex} knex */
async function upSqlite(knex) {
  const next = `${TABLE}_next`;
  await knex.schema.createTable(next, table => {
    table.string('account_id', 12).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.text('title').notNullable();
    table.string('owner_ref', 255).nullable();
    table.string('system_ref', 255).nullable();
    table.string('verdict', 16).notNullable();
    table.string('reason', 64).nullable();
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
    table.timestamp('verdict_since', { useTz: true }).notNullable();
    table.string('last_definitive_verdict', 16).nullable();
    table.string('last_definitive_reason', 64).nullable();
    table.timestamp('last_definitive_evaluated_at', { useTz: true }).nullable();
    table.string('security_hub_status', 16).nullable();
    table.boolean('security_hub_agrees').nullable();
    table.timestamp('latest_delivery_time', { useTz: true }).nullable();
    table.text('trail_reasons').nullable();
    table.integer('verdict_rank').notNullable().defaultTo(0);
    table.text('sort_title').notNullable().defaultTo('');
    table.string('entity_ref_lower', 255).notNullable().defaultTo('');
    table.string('owner_ref_lower', 255).nullable();
    table.string('system_ref_lower', 255).nullable();
    table.text('search_text').notNullable().defaultTo('');
    // The documents last, so that every column a list reads sits before their overflow pages.
    table.text('evaluation').notNullable();
    table.text('definitive_evaluation').nullable();
  });
  const columns = [
    'account_id',
    'entity_ref',
    'title',
    'owner_ref',
    'system_ref',
    'verdict',
    'reason',
    'evaluated_at',
    'verdict_since',
    'last_definitive_verdict',
    'last_definitive_reason',
    'last_definitive_evaluated_at',
    'security_hub_status',
    'security_hub_agrees',
    'latest_delivery_time',
    'trail_reasons',
    'evaluation',
    'definitive_evaluation',
  ];
  await knex.raw(
    `INSERT INTO ?? (${columns.map(() => '??').join(', ')}) SELECT ${columns
      .map(() => '??')
      .join(', ')} FROM ??`,
    [next, ...columns, ...columns, TABLE],
  );
  await knex.schema.dropTable(TABLE);
  await knex.schema.renameTable(next, TABLE);
}

/** @param {import('knex').Knex} knex */
async function upPostgres(knex) {
  await knex.schema.alterTable(TABLE, table => {
    table.integer('verdict_rank').notNullable().defaultTo(0);
    table.string('entity_ref_lower', 255).notNullable().defaultTo('');
    table.text('search_text').notNullable().defaultTo('');
    table.dropIndex(['owner_ref'], 'cis_aws_accounts_owner_ref_idx');
    table.dropIndex(['system_ref'], 'cis_aws_accounts_system_ref_idx');
    table.dropIndex(['entity_ref'], 'cis_aws_accounts_entity_ref_idx');
    table.dropIndex(['verdict'], 'cis_aws_accounts_verdict_idx');
  });
  // Sorted columns compare by code point, as SQLite does.
  await knex.raw(
    `ALTER TABLE ?? ADD COLUMN sort_title text COLLATE "C" NOT NULL DEFAULT '', ADD COLUMN owner_ref_lower varchar(255) COLLATE "C", ADD COLUMN system_ref_lower varchar(255) COLLATE "C"`,
    [TABLE],
  );
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (isSqlite(knex)) await upSqlite(knex);
  else await upPostgres(knex);
  await backfill(knex);
  await createIndexes(knex, TABLE);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable(TABLE, table => {
    table.dropIndex([], 'cis_aws_accounts_list_idx');
    table.dropIndex([], 'cis_aws_accounts_title_idx');
    table.dropIndex([], 'cis_aws_accounts_owner_lower_idx');
    table.dropIndex([], 'cis_aws_accounts_system_lower_idx');
    table.dropIndex([], 'cis_aws_accounts_entity_lower_idx');
    table.dropIndex([], 'cis_aws_accounts_owner_verdict_idx');
    table.dropIndex([], 'cis_aws_accounts_verdict_entity_idx');
  });
  await knex.schema.alterTable(TABLE, table => {
    table.dropColumn('verdict_rank');
    table.dropColumn('sort_title');
    table.dropColumn('entity_ref_lower');
    table.dropColumn('owner_ref_lower');
    table.dropColumn('system_ref_lower');
    table.dropColumn('search_text');
  });
  await knex.schema.alterTable(TABLE, table => {
    table.index(['verdict'], 'cis_aws_accounts_verdict_idx');
    table.index(['owner_ref'], 'cis_aws_accounts_owner_ref_idx');
    table.index(['system_ref'], 'cis_aws_accounts_system_ref_idx');
    table.index(['entity_ref'], 'cis_aws_accounts_entity_ref_idx');
  });
};
