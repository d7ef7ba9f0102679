/*
 * Exceptions with four eyes: an exception is requested, then approved or rejected by a second
 * person (a member of cisAws.exceptions.approvers). Only an approved exception applies, from its
 * approval until it expires or is revoked.
 *
 * Exceptions recorded before this migration were granted in one step, with a free-text
 * approver: they stay in force as they were, APPROVED at their creation, and are marked
 * legacy_single_step so that the UI and the evidence say so.
 *
 * cis_aws_exception_events stays append-only (id and `at`, its creation time, never change):
 * it gains the decision comment and the new actions (REQUESTED, APPROVED, REJECTED, EXPIRED,
 * REMINDED; CREATED remains for legacy grants).
 */

// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('cis_aws_exceptions', table => {
    table
      .string('state', 16)
      .notNullable()
      .defaultTo('PENDING')
      .comment('PENDING, APPROVED or REJECTED; only APPROVED applies');
    table.timestamp('approved_at', { useTz: true }).nullable();
    table.string('rejected_by', 255).nullable();
    table.timestamp('rejected_at', { useTz: true }).nullable();
    table.text('decision_comment').nullable();
    table
      .boolean('legacy_single_step')
      .notNullable()
      .defaultTo(false)
      .comment(
        'granted in one step before four eyes; approved_by is free text',
      );
    table
      .timestamp('reminded_at', { useTz: true })
      .nullable()
      .comment('when owners and approvers were reminded of the expiry (once)');
    table
      .timestamp('expiry_recorded_at', { useTz: true })
      .nullable()
      .comment('when its EXPIRED event was written (once)');
    table.index(['state'], 'cis_aws_exceptions_state_idx');
  });
  await knex.schema.alterTable('cis_aws_exceptions', table => {
    table.string('approved_by', 255).nullable().alter();
  });
  await knex('cis_aws_exceptions').update({
    state: 'APPROVED',
    legacy_single_step: true,
    approved_at: knex.ref('created_at'),
  });

  await knex.schema.alterTable('cis_aws_exception_events', table => {
    table
      .text('comment')
      .nullable()
      .comment("the approver's comment, the revoke reason");
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('cis_aws_exception_events', table => {
    table.dropColumn('comment');
  });
  // Undecided and rejected requests did not exist before four eyes; approvals keep their approver.
  await knex('cis_aws_exceptions').whereNot('state', 'APPROVED').delete();
  await knex.schema.alterTable('cis_aws_exceptions', table => {
    table.dropIndex(['state'], 'cis_aws_exceptions_state_idx');
    table.dropColumn('state');
    table.dropColumn('approved_at');
    table.dropColumn('rejected_by');
    table.dropColumn('rejected_at');
    table.dropColumn('decision_comment');
    table.dropColumn('legacy_single_step');
    table.dropColumn('reminded_at');
    table.dropColumn('expiry_recorded_at');
  });
  await knex('cis_aws_exceptions')
    .whereNull('approved_by')
    .update({ approved_by: 'unknown' });
  await knex.schema.alterTable('cis_aws_exceptions', table => {
    table.string('approved_by', 255).notNullable().alter();
  });
};
