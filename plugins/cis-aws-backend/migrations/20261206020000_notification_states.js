/*
 * What owner notifications remember per account between results: the bad verdict the owner was
 * told about and not yet told the recovery of, and the current stretch of results that could not
 * decide (ERROR or UNKNOWN), so that those notify only when they persist
 * (cisAws.notifications.errorAfter) and a recovery only follows a notification. In the database,
 * so it holds across restarts and replicas.
 */

// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('cis_aws_notification_states', table => {
    table.comment('Owner notification bookkeeping per account');
    table.string('account_id', 12).primary().notNullable();
    table
      .string('notified', 16)
      .nullable()
      .comment('FAIL, ERROR or UNKNOWN told to the owner, not yet recovered');
    table.integer('undecided_results').notNullable().defaultTo(0);
    table.timestamp('undecided_since', { useTz: true }).nullable();
    table.boolean('undecided_from_first_result').notNullable().defaultTo(false);
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cis_aws_notification_states');
};
