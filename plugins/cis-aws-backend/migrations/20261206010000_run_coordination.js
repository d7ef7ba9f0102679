/*
 * Coordination of evaluations across replicas:
 * - cis_aws_account_leases: at most one evaluation of an account at a time, whoever runs it (a
 *   scheduled or manual full run, a new-accounts run, a request for one account). A lease
 *   expires unless its holder renews it, so a killed replica frees its accounts on its own.
 * - cis_aws_run_accounts: the accounts of a run, claimed in batches by any replica's worker with
 *   a heartbeat; a claim that stops being renewed goes back to the queue.
 * - cis_aws_runs gains what an honest record needs: who ran it, its deadline and heartbeat, the
 *   accounts in scope, and its API errors by service and code.
 */

// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('cis_aws_account_leases', table => {
    table.comment('Who is evaluating an account right now, until when');
    table.string('account_id', 12).primary().notNullable();
    table
      .string('holder', 255)
      .notNullable()
      .comment('replica id and what it is doing (run id, request)');
    table
      .string('token', 36)
      .notNullable()
      .comment('unique per acquisition: only its owner renews or frees it');
    table.string('run_id', 36).nullable();
    table.timestamp('acquired_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('cis_aws_run_accounts', table => {
    table.comment('The accounts of a run, queued, claimed and done');
    table.string('run_id', 36).notNullable();
    table.string('account_id', 12).notNullable();
    table.integer('position').notNullable().comment('claim order');
    table.text('mapping').notNullable().comment('JSON: AccountMapping');
    table
      .string('state', 16)
      .notNullable()
      .comment('queued, claimed, done or skipped');
    table.string('claimed_by', 255).nullable();
    table.string('claim_token', 36).nullable();
    table.timestamp('claim_expires_at', { useTz: true }).nullable();
    table.string('verdict', 16).nullable();
    table.text('note').nullable().comment('why it was skipped');
    table.primary(['run_id', 'account_id']);
    table.index(['run_id', 'state', 'position'], 'cis_aws_run_accounts_idx');
  });

  await knex.schema.alterTable('cis_aws_runs', table => {
    table.string('replica', 255).nullable().comment('the replica that ran it');
    table.timestamp('deadline_at', { useTz: true }).nullable();
    table.timestamp('heartbeat_at', { useTz: true }).nullable();
    table
      .text('in_scope')
      .nullable()
      .comment('JSON: every account id of the catalog when the run started');
    table
      .text('api_errors')
      .nullable()
      .comment('JSON: failed AWS calls by service:Code');
    table.integer('accounts_skipped').notNullable().defaultTo(0);
    table.text('verdicts').nullable().comment('JSON: accounts per verdict');
  });
  // completed_with_errors does not fit 16 characters; SQLite does not enforce lengths.
  if (String(knex.client.config.client).includes('pg')) {
    await knex.schema.alterTable('cis_aws_runs', table => {
      table.string('status', 32).notNullable().alter();
    });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('cis_aws_runs', table => {
    table.dropColumn('replica');
    table.dropColumn('deadline_at');
    table.dropColumn('heartbeat_at');
    table.dropColumn('in_scope');
    table.dropColumn('api_errors');
    table.dropColumn('accounts_skipped');
    table.dropColumn('verdicts');
  });
  await knex.schema.dropTable('cis_aws_run_accounts');
  await knex.schema.dropTable('cis_aws_account_leases');
};
