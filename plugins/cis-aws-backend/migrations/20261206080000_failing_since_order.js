/*
 * The accounts list sorted by "failing since": worst verdict first, then the longest in it
 * (GET /v1/accounts?orderBy=verdictSince), read from an index like the other sort orders.
 */

// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('cis_aws_accounts', table => {
    table.index(
      ['verdict_rank', 'verdict_since', 'account_id'],
      'cis_aws_accounts_verdict_since_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('cis_aws_accounts', table => {
    table.dropIndex([], 'cis_aws_accounts_verdict_since_idx');
  });
};
