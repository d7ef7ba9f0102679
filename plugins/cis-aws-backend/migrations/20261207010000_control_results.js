/*
 * A control dimension beside CIS 2.4 (whose tables do not move): results per account AND
 * control, for the controls evaluated besides 2.4 (`cis-3.x-detection` first,
 * detection-content.md). A further control is rows with another control_id, not a new table.
 *
 * cis_aws_control_results: one row per (account, control), the latest result.
 *   verdict, reason: the control's own vocabulary (e.g. PASS / FAIL / ERROR / NOT_APPLICABLE);
 *   summary: JSON, what an account listing shows of it (src/storage/controlRows.ts);
 *   result: JSON, the full result;
 *   last_definitive: JSON of the last definitive record (verdict, reason, summary, result,
 *     evaluated_at, run_id) when the latest is not definitive (an ERROR never erases it); null
 *     when the latest is itself definitive or none ever was;
 *   failing_since: start of the open failure episode (cis_aws_control_episodes), copied here in
 *     the transaction that advances the episodes so listings read one row.
 * cis_aws_control_changes: every change of a control's verdict or reason, per account.
 * cis_aws_control_episodes: failure episodes per account and control (first FAIL after a PASS
 *   until the next PASS), as src/rules/failureEpisodes.ts judges them for 2.4.
 */

// @ts-check

const RESULTS = 'cis_aws_control_results';
const CHANGES = 'cis_aws_control_changes';
const EPISODES = 'cis_aws_control_episodes';

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable(RESULTS, table => {
    table.comment(
      'The latest result of each control (besides CIS 2.4) for each account',
    );
    table.string('account_id', 12).notNullable();
    table.string('control_id', 64).notNullable();
    table.string('verdict', 32).notNullable();
    table.string('reason', 64).nullable();
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
    table.string('run_id', 64).nullable();
    table
      .timestamp('failing_since', { useTz: true })
      .nullable()
      .comment('Start of the open failure episode of this control');
    table.text('summary').notNullable().comment('JSON: what listings show');
    table.text('result').notNullable().comment('JSON: the full result');
    table
      .text('last_definitive')
      .nullable()
      .comment('JSON: the last definitive record when the latest is not one');
    table.primary(['account_id', 'control_id']);
    table.index(
      ['control_id', 'verdict'],
      'cis_aws_control_results_verdict_idx',
    );
  });
  await knex.schema.createTable(CHANGES, table => {
    table.comment('Changes of the verdict or reason of a control, per account');
    table.increments('id');
    table.string('account_id', 12).notNullable();
    table.string('control_id', 64).notNullable();
    table.timestamp('changed_at', { useTz: true }).notNullable();
    table.string('from_verdict', 32).nullable();
    table.string('to_verdict', 32).notNullable();
    table.string('reason', 64).nullable();
    table.string('run_id', 64).nullable();
    table.index(
      ['account_id', 'control_id', 'changed_at'],
      'cis_aws_control_changes_account_idx',
    );
  });
  await knex.schema.createTable(EPISODES, table => {
    table.comment(
      'Failure episodes of a control per account: first FAIL after a PASS until the next PASS',
    );
    table.increments('id');
    table.string('account_id', 12).notNullable();
    table.string('control_id', 64).notNullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.string('reason', 64).nullable();
    table.timestamp('ended_at', { useTz: true }).nullable();
    table.index(
      ['account_id', 'control_id', 'ended_at'],
      'cis_aws_control_episodes_account_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable(EPISODES);
  await knex.schema.dropTable(CHANGES);
  await knex.schema.dropTable(RESULTS);
};
