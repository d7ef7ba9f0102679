/*
 * Exceptions to control 2.4 and their audit trail, and one retained evaluation per account and
 * UTC day (the evidence of recurring verification, and what an evidence packet for a past date
 * is built from).
 *
 * Exceptions are never deleted: revoking one sets revoked_at, and every change is an event
 * naming who made it.
 */

// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('cis_aws_exceptions', table => {
    table.comment(
      'Approved, time-boxed exceptions to CIS 2.4 for an account or one trail',
    );
    table.string('id', 36).primary().notNullable();
    table.string('account_id', 12).notNullable();
    table
      .text('trail_arn')
      .nullable()
      .comment('null: the whole account is exempt');
    table.text('reason').notNullable();
    table.string('approved_by', 255).notNullable();
    table.text('ticket_url').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('created_by', 255).notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.timestamp('revoked_at', { useTz: true }).nullable();
    table.string('revoked_by', 255).nullable();
    table.text('revoke_reason').nullable();

    table.index(['account_id'], 'cis_aws_exceptions_account_idx');
    table.index(['expires_at'], 'cis_aws_exceptions_expires_idx');
  });

  await knex.schema.createTable('cis_aws_exception_events', table => {
    table.comment('Every change to an exception, with who made it');
    table.increments('id');
    table.string('exception_id', 36).notNullable();
    table.string('account_id', 12).notNullable();
    table.string('action', 16).notNullable().comment('CREATED or REVOKED');
    table.string('actor', 255).notNullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.text('details').notNullable().comment('JSON');

    table.index(['account_id', 'at'], 'cis_aws_exception_events_account_idx');
  });

  await knex.schema.createTable('cis_aws_daily_results', table => {
    table.comment(
      'The last evaluation of each account on each UTC day: recurring verification evidence',
    );
    table.string('account_id', 12).notNullable();
    table.string('day', 10).notNullable().comment('YYYY-MM-DD, UTC');
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
    table.string('verdict', 16).notNullable();
    table.string('reason', 64).nullable();
    table
      .text('evaluation')
      .notNullable()
      .comment('JSON of the AccountEvaluation');

    table.primary(['account_id', 'day']);
    table.index(['day'], 'cis_aws_daily_results_day_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cis_aws_daily_results');
  await knex.schema.dropTable('cis_aws_exception_events');
  await knex.schema.dropTable('cis_aws_exceptions');
};
