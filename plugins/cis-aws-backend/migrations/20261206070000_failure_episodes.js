/*
 * Failure episodes per account and per trail (contract "Failure age"), so that "failing since"
 * and time to fix survive an ERROR run or an exception in the middle of a failure.
 *
 * cis_aws_failure_episodes holds one row per episode: trail_arn '' for the account's own, the
 * trail's ARN otherwise; ended_at null while it is open (at most one open row per subject).
 *
 * Existing data: the episodes are replayed from every kept evaluation (cis_aws_evaluation_history,
 * which holds the evaluation behind each verdict or reason change and each day's first) and the
 * current one (cis_aws_accounts), oldest first, judging the underlying verdicts exactly as
 * src/rules/failureEpisodes.ts does (frozen copy below). A change of the underlying verdict while
 * the shown verdict stayed EXEMPT was kept only in the daily verification, so such an episode
 * starts or ends at that day's first evaluation; history pruned before this migration cannot be
 * replayed, and an episode then starts at the first kept FAIL.
 */

// @ts-check

const EPISODES = 'cis_aws_failure_episodes';
const HISTORY = 'cis_aws_evaluation_history';
const ACCOUNTS = 'cis_aws_accounts';

/** @param {string | undefined} verdict */
function step(verdict) {
  if (verdict === 'FAIL') return 'fail';
  if (verdict === 'PASS') return 'pass';
  return 'hold';
}

/**
 * @param {any} evaluation
 * @returns {Array<{ trailArn: string, step: string, reason: string | null }>}
 */
function subjects(evaluation) {
  return [
    {
      trailArn: '',
      step: step(evaluation.underlyingVerdict ?? evaluation.verdict),
      reason: evaluation.underlyingReason ?? evaluation.reason ?? null,
    },
    ...(evaluation.trails ?? []).map(
      /** @param {any} trail */ trail => ({
        trailArn: trail.trailArn,
        step: step(trail.underlyingVerdict ?? trail.verdict),
        reason: trail.underlyingReason ?? trail.reason ?? null,
      }),
    ),
  ];
}

/** @param {unknown} value */
function iso(value) {
  return new Date(/** @type {any} */ (value)).toISOString();
}

/** @param {import('knex').Knex} knex */
async function replay(knex) {
  const accounts = await knex(ACCOUNTS).select(
    'account_id',
    'evaluated_at',
    'evaluation',
  );
  for (const account of accounts) {
    const kept = await knex(HISTORY)
      .where('account_id', account.account_id)
      .orderBy([
        { column: 'evaluated_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .select('evaluated_at', 'evaluation');
    const current = iso(account.evaluated_at);
    const evaluations = kept.filter(row => iso(row.evaluated_at) < current);
    evaluations.push(account);

    /** @type {Map<string, { started_at: string, reason: string | null, ended_at: string | null }>} */
    const open = new Map();
    /** @type {Array<Record<string, unknown>>} */
    const rows = [];
    for (const row of evaluations) {
      const at = iso(row.evaluated_at);
      for (const subject of subjects(JSON.parse(row.evaluation))) {
        const episode = open.get(subject.trailArn);
        if (subject.step === 'fail' && !episode) {
          open.set(subject.trailArn, {
            started_at: at,
            reason: subject.reason,
            ended_at: null,
          });
        } else if (subject.step === 'pass' && episode) {
          rows.push({
            account_id: account.account_id,
            trail_arn: subject.trailArn,
            ...episode,
            ended_at: at,
          });
          open.delete(subject.trailArn);
        }
      }
    }
    for (const [trailArn, episode] of open) {
      rows.push({ account_id: account.account_id, trail_arn: trailArn, ...episode });
    }
    if (rows.length > 0) {
      await knex.batchInsert(EPISODES, rows, 100);
    }
  }
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable(EPISODES, table => {
    table.comment(
      'Failure episodes of accounts (trail_arn empty) and trails: first FAIL after a PASS until the next PASS',
    );
    table.increments('id');
    table.string('account_id', 12).notNullable();
    table
      .text('trail_arn')
      .notNullable()
      .defaultTo('')
      .comment("'' for the account's own episode");
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.string('reason', 64).nullable().comment('The underlying reason when it started');
    table
      .timestamp('ended_at', { useTz: true })
      .nullable()
      .comment('The PASS that ended it; null while open');
    table.index(['account_id', 'ended_at'], 'cis_aws_failure_episodes_account_idx');
  });
  await replay(knex);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable(EPISODES);
};
