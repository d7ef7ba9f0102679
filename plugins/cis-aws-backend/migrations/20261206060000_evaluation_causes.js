/*
 * How event-driven evaluations came about: the CloudTrail event (name, principal, time) that set
 * each one off, with the evaluation it caused (its time and verdict). Kept as history: the
 * account's card says "re-checked 20 s after StopLogging by alice" when its current evaluation is
 * one of these, and the history shows which change led to which verdict. Pruned with the history.
 */

// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('cis_aws_evaluation_causes', table => {
    table.comment('The CloudTrail event behind each event-driven evaluation');
    table.bigIncrements('id').primary();
    table.string('account_id', 12).notNullable();
    table
      .timestamp('evaluated_at', { useTz: true })
      .notNullable()
      .comment('evaluatedAt of the evaluation the event caused');
    table.string('verdict', 16).notNullable();
    table.string('trigger', 16).notNullable().comment('event');
    table.string('event_name', 128).notNullable();
    table.string('event_source', 128).nullable();
    table.string('principal', 512).nullable();
    table.string('principal_arn', 512).nullable();
    table.timestamp('event_time', { useTz: true }).nullable();
    table.string('event_id', 128).nullable();
    table.string('resource', 1024).nullable();
    table.integer('event_count').notNullable().defaultTo(1);
    table.text('other_event_names').notNullable().defaultTo('[]');
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.index(
      ['account_id', 'evaluated_at'],
      'cis_aws_evaluation_causes_account_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cis_aws_evaluation_causes');
};
