import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { DatabaseEvaluationStore } from './DatabaseEvaluationStore';
import { createTestDatabases } from './__testUtils__/stores';
import { buildAccountRow, mappingColumns, verdictRank } from './accountRows';
import {
  aMapping,
  accountId,
  anEvaluation,
  at,
} from './__fixtures__/evaluations';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@cis-aws/plugin-cis-aws-backend',
  'migrations',
);
const TABLES = ['cis_aws_accounts', 'cis_aws_verdict_changes', 'cis_aws_runs'];

async function existingTables(knex: Knex): Promise<string[]> {
  const found: string[] = [];
  for (const table of TABLES) {
    if (await knex.schema.hasTable(table)) {
      found.push(table);
    }
  }
  return found;
}

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('migrations on %s', databaseId => {
  it('up creates the tables, down removes them, and up works again', async () => {
    const knex = await databases.init(databaseId);

    await knex.migrate.up({ directory: migrationsDir });
    expect(await existingTables(knex)).toEqual(TABLES);
    await knex('cis_aws_verdict_changes').insert({
      account_id: '000000000001',
      trail_arn: null,
      from_verdict: null,
      to_verdict: 'PASS',
      reason: null,
      changed_at: '2026-01-01T00:00:00.000Z',
      run_id: null,
    });
    expect(await knex('cis_aws_verdict_changes').select('to_verdict')).toEqual([
      { to_verdict: 'PASS' },
    ]);

    await knex.migrate.down({ directory: migrationsDir });
    expect(await existingTables(knex)).toEqual([]);

    await knex.migrate.up({ directory: migrationsDir });
    expect(await existingTables(knex)).toEqual(TABLES);
    expect(await knex('cis_aws_verdict_changes').select('to_verdict')).toEqual(
      [],
    );
  });

  it('latest creates the exception, evaluation-history and chain tables too, and rolls back cleanly', async () => {
    const knex = await databases.init(databaseId);
    const later = [
      'cis_aws_exceptions',
      'cis_aws_exception_events',
      'cis_aws_notification_states',
      'cis_aws_evaluation_history',
      'cis_aws_evidence_chains',
      'cis_aws_failure_episodes',
      'cis_aws_control_results',
      'cis_aws_control_changes',
      'cis_aws_control_episodes',
      'cis_aws_control_notification_states',
    ];
    await knex.migrate.latest({ directory: migrationsDir });
    for (const table of [...TABLES, ...later]) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }
    await knex.migrate.rollback({ directory: migrationsDir }, true);
    for (const table of [...TABLES, ...later]) {
      expect(await knex.schema.hasTable(table)).toBe(false);
    }
  });

  it('carries existing accounts over to the list columns, the same as the store writes them', async () => {
    const knex = await databases.init(databaseId);
    // The schema as it was before the list columns.
    await knex.migrate.latest({ directory: migrationsDir });
    await knex.migrate.down({
      directory: migrationsDir,
      name: '20261206030000_account_list_columns.js',
    });
    expect(await knex.schema.hasColumn('cis_aws_accounts', 'sort_title')).toBe(
      false,
    );
    const mappings = [
      aMapping(accountId(1), {
        title: 'Zürich 10',
        ownerRef: 'Group:default/Ops',
      }),
      aMapping(accountId(2), {
        title: 'zurich 9',
        ownerRef: undefined,
        systemRef: undefined,
      }),
    ];
    const verdicts = ['FAIL', 'PASS'] as const;
    for (const [i, mapping] of mappings.entries()) {
      const row = buildAccountRow({
        mapping,
        evaluation: anEvaluation(mapping.accountId, verdicts[i]),
      });
      const {
        verdict_rank: _rank,
        sort_title: _title,
        entity_ref_lower: _entity,
        owner_ref_lower: _owner,
        system_ref_lower: _system,
        search_text: _search,
        ...oldColumns
      } = row;
      await knex('cis_aws_accounts').insert(oldColumns);
    }

    await knex.migrate.latest({ directory: migrationsDir });

    for (const [i, mapping] of mappings.entries()) {
      const {
        entity_ref: _e,
        title: _t,
        owner_ref: _o,
        system_ref: _s,
        ...expected
      } = mappingColumns(mapping);
      const row = await knex('cis_aws_accounts')
        .where('account_id', mapping.accountId)
        .first(
          'verdict_rank',
          'sort_title',
          'entity_ref_lower',
          'owner_ref_lower',
          'system_ref_lower',
          'search_text',
        );
      expect(row).toEqual({
        ...expected,
        verdict_rank: verdictRank(verdicts[i]),
      });
    }
  });
});

describe('the list columns migration on SQLite', () => {
  it('puts every column a list reads before the documents (and their overflow pages)', async () => {
    const knex = await databases.init('SQLITE_3');
    await knex.migrate.latest({ directory: migrationsDir });
    const columns: Array<{ name: string }> = await knex.raw(
      "PRAGMA table_info('cis_aws_accounts')",
    );
    expect(columns.slice(-2).map(column => column.name)).toEqual([
      'evaluation',
      'definitive_evaluation',
    ]);
  });
});

describe.each(databases.eachSupportedId())(
  'carrying daily results into the evidence chain on %s',
  databaseId => {
    it('keeps every daily evaluation and change, chained so that verify holds', async () => {
      const knex = await databases.init(databaseId);
      // Up to the daily-results migration: the schema before the evidence chain.
      for (let i = 0; i < 3; i += 1) {
        await knex.migrate.up({ directory: migrationsDir });
      }
      const id = accountId(7);
      const day1 = anEvaluation(id, 'PASS', { minute: 60 });
      const day2 = anEvaluation(id, 'FAIL', { minute: 24 * 60 + 60 });
      await knex('cis_aws_daily_results').insert(
        [day1, day2].map(evaluation => ({
          account_id: id,
          day: evaluation.evaluatedAt.slice(0, 10),
          evaluated_at: evaluation.evaluatedAt,
          verdict: evaluation.verdict,
          reason: evaluation.reason ?? null,
          evaluation: JSON.stringify(evaluation),
        })),
      );
      await knex('cis_aws_verdict_changes').insert([
        {
          account_id: id,
          trail_arn: null,
          from_verdict: null,
          to_verdict: 'PASS',
          reason: null,
          changed_at: day1.evaluatedAt,
          run_id: null,
        },
        {
          account_id: id,
          trail_arn: null,
          from_verdict: 'PASS',
          to_verdict: 'FAIL',
          reason: 'TRAIL_FAILED',
          changed_at: day2.evaluatedAt,
          run_id: 'run-2',
        },
      ]);

      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('cis_aws_daily_results')).toBe(false);
      const store = await DatabaseEvaluationStore.create({
        database: mockServices.database({ knex }),
      });
      expect(await store.verifyChain(id)).toEqual({
        links: 4,
        head: { seq: 4, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      });
      expect(
        (await store.getEvaluationAt(id, new Date(at(24 * 60))))?.verdict,
      ).toBe('PASS');
      expect(
        (await store.getEvaluationRecordAt(id, new Date(at(3 * 24 * 60))))
          ?.evaluation,
      ).toEqual(day2);
      // The next save continues the carried-over chain.
      await store.saveResult({
        mapping: aMapping(id),
        evaluation: anEvaluation(id, 'PASS', { minute: 2 * 24 * 60 }),
      });
      const verified = await store.verifyChain(id);
      expect(verified.broken).toBeUndefined();
      expect(verified.head?.seq).toBeGreaterThan(4);

      await knex.migrate.rollback({ directory: migrationsDir });
      expect(
        await knex('cis_aws_daily_results')
          .select('day', 'verdict')
          .orderBy('day'),
      ).toEqual([
        { day: '2026-01-01', verdict: 'PASS' },
        { day: '2026-01-02', verdict: 'FAIL' },
        { day: '2026-01-03', verdict: 'PASS' },
      ]);
    });
  },
);

describe.each(databases.eachSupportedId())(
  'chaining existing exception events on %s',
  databaseId => {
    it('interleaves them by time with the existing links, keeps the earlier links, and verify holds', async () => {
      const knex = await databases.init(databaseId);
      const upTo = async (name: string) => {
        for (;;) {
          const [, pending] = (await knex.migrate.list({
            directory: migrationsDir,
          })) as [unknown, { file: string }[]];
          if (!pending.length || pending[0].file > name) return;
          await knex.migrate.up({ directory: migrationsDir });
        }
      };
      await upTo('20261124020000_exceptions_and_daily_results.js');
      const id = accountId(8);
      const day1 = anEvaluation(id, 'PASS', { minute: 60 });
      const day2 = anEvaluation(id, 'FAIL', { minute: 24 * 60 + 60 });
      await knex('cis_aws_daily_results').insert(
        [day1, day2].map(evaluation => ({
          account_id: id,
          day: evaluation.evaluatedAt.slice(0, 10),
          evaluated_at: evaluation.evaluatedAt,
          verdict: evaluation.verdict,
          reason: evaluation.reason ?? null,
          evaluation: JSON.stringify(evaluation),
        })),
      );
      await upTo('20261206050000_exceptions_four_eyes.js');
      const before = await storeOn(knex, true).then(s => s.verifyChain(id));
      expect(before).toMatchObject({ links: 2 });
      const firstLink = await knex('cis_aws_evaluation_history')
        .where({ account_id: id, seq: 1 })
        .first();
      // An exception requested and approved between the two days' evaluations.
      const exceptionId = '3f0e3c1a-2b4d-4e5f-8a9b-0c1d2e3f4a5b';
      await knex('cis_aws_exception_events').insert(
        [
          { action: 'REQUESTED', minute: 120, actor: 'user:default/alice' },
          { action: 'APPROVED', minute: 180, actor: 'user:default/ciso' },
        ].map(event => ({
          exception_id: exceptionId,
          account_id: id,
          action: event.action,
          actor: event.actor,
          at: at(event.minute),
          comment: null,
          details: JSON.stringify({ note: event.action }),
        })),
      );
      // An account with events only.
      const other = accountId(9);
      await knex('cis_aws_exception_events').insert({
        exception_id: exceptionId,
        account_id: other,
        action: 'CREATED',
        actor: 'user:default/alice',
        at: at(0),
        comment: null,
        details: '{}',
      });

      await knex.migrate.latest({ directory: migrationsDir });
      const migrated = await storeOn(knex);
      expect(await migrated.verifyChain(id)).toEqual({
        links: 4,
        head: { seq: 4, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      });
      expect(
        await knex('cis_aws_exception_events')
          .where({ account_id: id })
          .orderBy('seq')
          .pluck('seq'),
      ).toEqual([2, 3]);
      // The link before the first event kept its place and hash.
      expect(
        await knex('cis_aws_evaluation_history')
          .where({ account_id: id })
          .orderBy('seq')
          .select('id', 'seq', 'hash'),
      ).toEqual([
        { id: firstLink.id, seq: 1, hash: firstLink.hash },
        { id: expect.any(Number), seq: 4, hash: expect.any(String) },
      ]);
      expect(await migrated.verifyChain(other)).toMatchObject({
        links: 1,
        head: { seq: 1 },
      });
      expect((await migrated.verifyChain(other)).broken).toBeUndefined();
      // The chain continues from the migrated head.
      await migrated.requestException({
        accountId: id,
        reason: 'after the migration',
        requestedBy: 'user:default/alice',
        requestedAt: at(3 * 24 * 60),
        expiresAt: at(10 * 24 * 60),
      });
      expect(await migrated.verifyChain(id)).toMatchObject({
        links: 5,
        head: { seq: 5 },
      });
      expect((await migrated.verifyChain(id)).broken).toBeUndefined();

      // Down takes the events out of the chains again; up puts them back, verifiable.
      await knex.migrate.down({
        directory: migrationsDir,
        name: '20261206090000_exception_events_chain.js',
      });
      expect(
        await knex('cis_aws_evaluation_history')
          .where({ account_id: id })
          .orderBy('seq')
          .pluck('seq'),
      ).toEqual([1, 2]);
      expect(
        await knex('cis_aws_evidence_chains').where({ account_id: other }),
      ).toEqual([]);
      await knex.migrate.latest({ directory: migrationsDir });
      expect((await migrated.verifyChain(id)).broken).toBeUndefined();
      expect((await migrated.verifyChain(id)).links).toBe(5);
    });

    it('appends the events of an account whose chain was edited, so verify still names the edit', async () => {
      const knex = await databases.init(databaseId);
      for (;;) {
        const [, pending] = (await knex.migrate.list({
          directory: migrationsDir,
        })) as [unknown, { file: string }[]];
        // Every migration before the one under test: the store below writes what they add.
        if (pending[0].file >= '20261206090000') break;
        await knex.migrate.up({ directory: migrationsDir });
      }
      const id = accountId(10);
      const before = await storeOn(knex, true);
      await before.saveResult({
        mapping: aMapping(id),
        evaluation: anEvaluation(id, 'PASS', { minute: 60 }),
      });
      await before.saveResult({
        mapping: aMapping(id),
        evaluation: anEvaluation(id, 'FAIL', { minute: 24 * 60 + 60 }),
      });
      const edited = await knex('cis_aws_evaluation_history')
        .where({ account_id: id })
        .orderBy('seq', 'desc')
        .first();
      await knex('cis_aws_evaluation_history')
        .where({ id: edited.id })
        .update({ verdict: 'PASS' });
      await knex('cis_aws_exception_events').insert({
        exception_id: '3f0e3c1a-2b4d-4e5f-8a9b-0c1d2e3f4a5c',
        account_id: id,
        action: 'CREATED',
        actor: 'user:default/alice',
        at: at(120),
        comment: null,
        details: '{}',
      });
      await knex.migrate.latest({ directory: migrationsDir });
      const after = await storeOn(knex);
      expect((await after.verifyChain(id)).broken).toMatchObject({
        table: 'cis_aws_evaluation_history',
        rowId: edited.id,
        seq: edited.seq,
      });
      const head = await knex('cis_aws_evidence_chains')
        .where({ account_id: id })
        .first();
      const event = await knex('cis_aws_exception_events')
        .where({ account_id: id })
        .first();
      expect(event.seq).toBe(head.head_seq);
    });
  },
);

/** A store on `knex`; `asIs` leaves the schema where it is (no migration). */
async function storeOn(knex: Knex, asIs = false) {
  return DatabaseEvaluationStore.create({
    database: mockServices.database({
      knex,
      ...(asIs ? { migrations: { skip: true } } : {}),
    }),
  });
}

describe.each(databases.eachSupportedId())(
  'deriving failure episodes from the kept history on %s',
  databaseId => {
    it('replays the kept evaluations into the same episodes the store writes', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const store = await DatabaseEvaluationStore.create({
        database: mockServices.database({ knex }),
      });
      const id = accountId(3);
      const steps = [
        ['PASS', 0],
        ['FAIL', 60],
        ['ERROR', 70],
        ['FAIL', 80],
        ['PASS', 24 * 60 + 5],
        ['FAIL', 2 * 24 * 60 + 5],
        ['FAIL', 2 * 24 * 60 + 65],
      ] as const;
      for (const [verdict, minute] of steps) {
        await store.saveResult({
          mapping: aMapping(id),
          evaluation: anEvaluation(id, verdict, { minute }),
        });
      }
      const written = await store.listEpisodes(id);
      expect(
        written.filter(e => !e.trailArn).map(e => [e.startedAt, e.endedAt]),
      ).toEqual([
        [at(60), at(24 * 60 + 5)],
        [at(2 * 24 * 60 + 5), undefined],
      ]);

      await knex.migrate.down({
        directory: migrationsDir,
        name: '20261206070000_failure_episodes.js',
      });
      expect(await knex.schema.hasTable('cis_aws_failure_episodes')).toBe(
        false,
      );
      await knex.migrate.latest({ directory: migrationsDir });

      expect(await store.listEpisodes(id)).toEqual(written);
      expect((await store.getAccount(id))?.failingSince).toBe(
        at(2 * 24 * 60 + 5),
      );
    });
  },
);
