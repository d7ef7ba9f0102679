/*
 * The storage of the cis-aws backend plugin: the latest result of each account, every verdict
 * change, and a record of each evaluation run.
 *
 * Conventions, the same on SQLite and PostgreSQL:
 * - Times are timezone-aware timestamps (timestamptz on PostgreSQL). The store always binds them
 *   as ISO 8601 UTC strings with milliseconds, so on SQLite (which keeps them as text) they
 *   compare and sort in time order too, and it reads them back as ISO strings on both.
 * - JSON documents are `text`: portable, and an evaluation can be tens of KB.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('cis_aws_accounts', table => {
    table.comment(
      'The latest evaluation of each AWS account, and its last definitive one',
    );
    table.string('account_id', 12).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.text('title').notNullable();
    table.string('owner_ref', 255).nullable();
    table.string('system_ref', 255).nullable();
    table.string('verdict', 16).notNullable();
    table.string('reason', 64).nullable().comment('Absent for PASS');
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
    table
      .timestamp('verdict_since', { useTz: true })
      .notNullable()
      .comment('Since when the account has had its current verdict');
    table.string('last_definitive_verdict', 16).nullable();
    table.string('last_definitive_reason', 64).nullable();
    table.timestamp('last_definitive_evaluated_at', { useTz: true }).nullable();
    table.string('security_hub_status', 16).nullable();
    table.boolean('security_hub_agrees').nullable();
    table.timestamp('latest_delivery_time', { useTz: true }).nullable();
    table
      .text('evaluation')
      .notNullable()
      .comment('JSON of the latest AccountEvaluation');
    table
      .text('definitive_evaluation')
      .nullable()
      .comment(
        'JSON of the last definitive AccountEvaluation when it is not the latest one; null when the latest is definitive or none ever was',
      );

    table.index(['verdict'], 'cis_aws_accounts_verdict_idx');
    table.index(['owner_ref'], 'cis_aws_accounts_owner_ref_idx');
    table.index(['system_ref'], 'cis_aws_accounts_system_ref_idx');
    table.index(['entity_ref'], 'cis_aws_accounts_entity_ref_idx');
  });

  await knex.schema.createTable('cis_aws_verdict_changes', table => {
    table.comment(
      'Every change of verdict of an account or of one of its trails',
    );
    table.increments('id');
    table.string('account_id', 12).notNullable();
    table
      .text('trail_arn')
      .nullable()
      .comment("null: the account's own verdict");
    table
      .string('from_verdict', 16)
      .nullable()
      .comment('null: the first verdict recorded');
    table.string('to_verdict', 16).notNullable();
    table.string('reason', 64).nullable();
    table.timestamp('changed_at', { useTz: true }).notNullable();
    table.string('run_id', 36).nullable();

    table.index(
      ['account_id', 'changed_at'],
      'cis_aws_verdict_changes_account_idx',
    );
  });

  await knex.schema.createTable('cis_aws_runs', table => {
    table.comment('One record per evaluation run');
    table.string('id', 36).primary().notNullable();
    table.string('trigger', 16).notNullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.string('status', 16).notNullable();
    table.integer('accounts_total').notNullable();
    table.integer('accounts_evaluated').notNullable();
    table.integer('accounts_errored').notNullable();
    table
      .text('calls')
      .notNullable()
      .comment('JSON: AWS calls made, by service:Operation');
    table.text('errors').notNullable().comment('JSON: run-level problems');

    table.index(['started_at'], 'cis_aws_runs_started_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cis_aws_runs');
  await knex.schema.dropTable('cis_aws_verdict_changes');
  await knex.schema.dropTable('cis_aws_accounts');
};
