/*
 * What owner notifications remember per account AND control, for the controls evaluated besides
 * CIS 2.4 (`cis-3.x-detection` first; cis_aws_notification_states keeps 2.4's, unmoved): the bad
 * verdict the owner was told about and not yet told the recovery of, and the current stretch of
 * results that could not decide (ERROR), so that those notify only when they persist
 * (cisAws.notifications.errorAfter, or the control's own) and a recovery only follows a
 * notification. Same columns as cis_aws_notification_states, plus control_id.
 */

// @ts-check

const TABLE = 'cis_aws_control_notification_states';

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable(TABLE, table => {
    table.comment('Owner notification bookkeeping per account and control');
    table.string('account_id', 12).notNullable();
    table.string('control_id', 64).notNullable();
    table
      .string('notified', 16)
      .nullable()
      .comment('FAIL or ERROR told to the owner, not yet recovered');
    table.integer('undecided_results').notNullable().defaultTo(0);
    table.timestamp('undecided_since', { useTz: true }).nullable();
    table.boolean('undecided_from_first_result').notNullable().defaultTo(false);
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['account_id', 'control_id']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable(TABLE);
};
