import { Verdict } from '@cis-aws/plugin-cis-aws-common';
import { Knex } from 'knex';
import { DatabaseEvaluationStore } from './DatabaseEvaluationStore';
import { listAllAccounts } from './EvaluationStore';
import {
  createStore,
  createTestDatabases,
  seedAccounts,
} from './__testUtils__/stores';
import {
  aMapping,
  accountId,
  anEvaluation,
  at,
} from './__fixtures__/evaluations';
import { DETECTION_CONTROL } from '../rules/controls';

jest.setTimeout(120_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('listAccounts on %s', databaseId => {
  let knex: Knex;
  let store: DatabaseEvaluationStore;

  beforeEach(async () => {
    ({ knex, store } = await createStore(databases, databaseId));
  });

  /** Five accounts, one per verdict, titled so that title order differs from verdict order. */
  async function seedOnePerVerdict() {
    const accounts: Array<
      [number, Verdict, string, string, string | undefined]
    > = [
      [1, 'PASS', 'Alpha', 'group:default/Platform', 'system:default/payments'],
      [2, 'FAIL', 'Bravo', 'group:default/platform', 'system:default/payments'],
      [3, 'ERROR', 'Charlie', 'group:default/data', 'system:default/Lake'],
      [4, 'EXEMPT', 'Delta', 'group:default/data', undefined],
      [5, 'UNKNOWN', 'Echo', 'group:default/security', 'system:default/lake'],
    ];
    for (const [n, verdict, title, ownerRef, systemRef] of accounts) {
      await store.saveResult({
        mapping: aMapping(accountId(n), { title, ownerRef, systemRef }),
        evaluation: anEvaluation(accountId(n), verdict),
      });
    }
  }

  const idsOf = (page: { items: Array<{ accountId: string }> }) =>
    page.items.map(item => Number(item.accountId));

  it('lists the worst verdict first, then by title, by default', async () => {
    await seedOnePerVerdict();
    await store.saveResult({
      mapping: aMapping(accountId(6), { title: 'Aardvark' }),
      evaluation: anEvaluation(accountId(6), 'FAIL'),
    });

    expect(idsOf(await store.listAccounts({}))).toEqual([6, 2, 3, 5, 4, 1]);
  });

  it('totals count every verdict of the filtered set, not just the page', async () => {
    await seedOnePerVerdict();

    const page = await store.listAccounts({
      ownerRefs: ['group:default/data', 'group:default/platform'],
      limit: 1,
    });
    expect(page.items).toHaveLength(1);
    expect(page.totalCount).toBe(4);
    expect(page.totals).toEqual({
      PASS: 1,
      FAIL: 1,
      ERROR: 1,
      UNKNOWN: 0,
      EXEMPT: 1,
    });
  });

  it('filters by verdict, owner, entity, system and account id, refs ignoring case', async () => {
    await seedOnePerVerdict();

    expect(
      idsOf(await store.listAccounts({ verdicts: ['PASS', 'ERROR'] })),
    ).toEqual([3, 1]);
    expect(
      idsOf(
        await store.listAccounts({ ownerRefs: ['GROUP:default/PLATFORM'] }),
      ),
    ).toEqual([2, 1]);
    expect(
      idsOf(await store.listAccounts({ systemRefs: ['system:default/lake'] })),
    ).toEqual([3, 5]);
    expect(
      idsOf(
        await store.listAccounts({
          entityRefs: [`Resource:default/AWS-${accountId(4)}`],
        }),
      ),
    ).toEqual([4]);
    expect(
      idsOf(
        await store.listAccounts({ accountIds: [accountId(5), accountId(1)] }),
      ),
    ).toEqual([5, 1]);
    expect(
      idsOf(
        await store.listAccounts({
          verdicts: ['FAIL'],
          ownerRefs: ['group:default/data'],
        }),
      ),
    ).toEqual([]);
    expect(
      idsOf(await store.listAccounts({ verdicts: [], ownerRefs: [] })),
    ).toHaveLength(5);
  });

  it('search matches account id, title, owner and system, ignoring case', async () => {
    await seedOnePerVerdict();

    expect(idsOf(await store.listAccounts({ search: 'CHAR' }))).toEqual([3]);
    expect(idsOf(await store.listAccounts({ search: '000000000004' }))).toEqual(
      [4],
    );
    expect(idsOf(await store.listAccounts({ search: 'security' }))).toEqual([
      5,
    ]);
    expect(idsOf(await store.listAccounts({ search: ' LAKE ' }))).toEqual([
      3, 5,
    ]);
    expect(
      idsOf(await store.listAccounts({ search: 'nothing like it' })),
    ).toEqual([]);
  });

  it('sorts by any column in both directions, missing values last', async () => {
    await seedOnePerVerdict();

    expect(
      idsOf(
        await store.listAccounts({
          orderBy: { field: 'verdict', direction: 'desc' },
        }),
      ),
    ).toEqual([1, 4, 5, 3, 2]);
    expect(
      idsOf(
        await store.listAccounts({
          orderBy: { field: 'title', direction: 'desc' },
        }),
      ),
    ).toEqual([5, 4, 3, 2, 1]);
    expect(
      idsOf(
        await store.listAccounts({
          orderBy: { field: 'accountId', direction: 'asc' },
        }),
      ),
    ).toEqual([1, 2, 3, 4, 5]);
    // Owners sort ignoring case; equal owners by title.
    expect(
      idsOf(
        await store.listAccounts({
          orderBy: { field: 'ownerRef', direction: 'asc' },
        }),
      ),
    ).toEqual([3, 4, 1, 2, 5]);
    expect(
      idsOf(
        await store.listAccounts({
          orderBy: { field: 'systemRef', direction: 'asc' },
        }),
      ),
    ).toEqual([3, 5, 1, 2, 4]);
    expect(
      idsOf(
        await store.listAccounts({
          orderBy: { field: 'systemRef', direction: 'desc' },
        }),
      ),
    ).toEqual([1, 2, 3, 5, 4]);
  });

  it('sorts by evaluation time', async () => {
    for (const [n, minute] of [
      [1, 30],
      [2, 10],
      [3, 20],
    ]) {
      await store.saveResult({
        mapping: aMapping(accountId(n)),
        evaluation: anEvaluation(accountId(n), 'PASS', { minute }),
      });
    }
    expect(
      idsOf(
        await store.listAccounts({
          orderBy: { field: 'evaluatedAt', direction: 'asc' },
        }),
      ),
    ).toEqual([2, 3, 1]);
    expect(
      idsOf(
        await store.listAccounts({
          orderBy: { field: 'evaluatedAt', direction: 'desc' },
        }),
      ),
    ).toEqual([1, 3, 2]);
  });

  it('sorts by failing since: the worst verdict first, then the longest in it', async () => {
    // 1 and 3 fail, 3 since earlier; 2 passes since the earliest of all.
    for (const [n, verdict, minute] of [
      [1, 'FAIL', 30],
      [2, 'PASS', 5],
      [3, 'FAIL', 10],
    ] as Array<[number, Verdict, number]>) {
      await store.saveResult({
        mapping: aMapping(accountId(n)),
        evaluation: anEvaluation(accountId(n), verdict, { minute }),
      });
    }
    expect(
      idsOf(
        await store.listAccounts({
          orderBy: { field: 'verdictSince', direction: 'asc' },
        }),
      ),
    ).toEqual([3, 1, 2]);
    expect(
      idsOf(
        await store.listAccounts({
          orderBy: { field: 'verdictSince', direction: 'desc' },
        }),
      ),
    ).toEqual([1, 3, 2]);
  });

  it('lists only the accounts without an owner when asked', async () => {
    await seedOnePerVerdict();
    await store.saveResult({
      mapping: aMapping(accountId(6), { title: 'Nobody', ownerRef: undefined }),
      evaluation: anEvaluation(accountId(6), 'FAIL'),
    });
    const page = await store.listAccounts({ noOwner: true });
    expect(idsOf(page)).toEqual([6]);
    expect(page.totals.FAIL).toBe(1);
    expect(page.totalCount).toBe(1);
  });

  it('pages with offset and limit; the limit defaults to 50 and stops at 1000', async () => {
    await seedAccounts(knex, 1100, () => 'PASS');

    const first = await store.listAccounts({});
    expect(first.items).toHaveLength(50);
    expect(first.totalCount).toBe(1100);
    const second = await store.listAccounts({ offset: 50, limit: 50 });
    expect(second.items[0].accountId).toBe(accountId(51));
    expect(
      new Set([...first.items, ...second.items].map(i => i.accountId)).size,
    ).toBe(100);
    expect((await store.listAccounts({ limit: 5000 })).items).toHaveLength(
      1000,
    );
    expect((await store.listAccounts({ offset: 1098 })).items).toHaveLength(2);
    expect((await store.listAccounts({ offset: 2000 })).items).toEqual([]);
  });

  it('readableEntityRefs hides accounts of entities the user may not read', async () => {
    await seedOnePerVerdict();
    const readable = new Set<string>();
    for (let n = 0; n < 20_000; n += 1) {
      readable.add(`resource:default/other-${n}`);
    }
    readable.add(`resource:default/aws-${accountId(2)}`);
    readable.add(`RESOURCE:default/AWS-${accountId(4)}`);

    const page = await store.listAccounts({ readableEntityRefs: readable });
    expect(idsOf(page)).toEqual([2, 4]);
    expect(page.totalCount).toBe(2);
    expect(page.totals).toEqual({
      PASS: 0,
      FAIL: 1,
      ERROR: 0,
      UNKNOWN: 0,
      EXEMPT: 1,
    });
    expect(
      (await store.listAccounts({ readableEntityRefs: new Set() })).totalCount,
    ).toBe(0);
  });

  it('hiddenEntityRefs leaves out the accounts of those entities, however many', async () => {
    await seedOnePerVerdict();
    const hidden = new Set(
      Array.from({ length: 500 }, (_, n) => `resource:default/gone-${n}`),
    );
    hidden.add(`RESOURCE:default/aws-${accountId(2)}`);
    const page = await store.listAccounts({ hiddenEntityRefs: hidden });
    expect(idsOf(page)).toEqual([3, 5, 4, 1]);
    expect(page.totals.FAIL).toBe(0);
    expect(
      (await store.listAccounts({ hiddenEntityRefs: new Set() })).totalCount,
    ).toBe(5);
  });

  it("counts owners' accounts per verdict in one grouped statement, over what the caller may see", async () => {
    await seedOnePerVerdict();
    await store.saveResult({
      mapping: aMapping(accountId(6), { ownerRef: undefined }),
      evaluation: anEvaluation(accountId(6), 'FAIL'),
    });
    const statements = await statementsOf(async () => {
      const counts = await store.countAccountsByOwner({
        hiddenEntityRefs: new Set([`resource:default/aws-${accountId(1)}`]),
      });
      const byOwner = Object.fromEntries(
        counts.map(c => [c.ownerRef ?? '(none)', c.totals]),
      );
      expect(byOwner).toEqual({
        'group:default/platform': expect.objectContaining({ FAIL: 1, PASS: 0 }),
        'group:default/data': expect.objectContaining({ ERROR: 1, EXEMPT: 1 }),
        'group:default/security': expect.objectContaining({ UNKNOWN: 1 }),
        '(none)': expect.objectContaining({ FAIL: 1 }),
      });
    });
    expect(statements).toHaveLength(1);
    expect(statements[0].sql).toMatch(/group by/i);
    expect(
      await store.countAccountsByOwner({ readableEntityRefs: new Set() }),
    ).toEqual([]);
  });

  it("counts owners' and systems' accounts per detection verdict in the same statement, latest result only", async () => {
    await seedOnePerVerdict();
    const detection = (n: number, verdict: string, minute: number) =>
      store.controls().saveControlResult(DETECTION_CONTROL, {
        accountId: accountId(n),
        controlId: 'cis-3.x-detection',
        verdict,
        summary: { failingChecks: verdict === 'PASS' ? [] : ['3.3'] },
        result: {},
        evaluatedAt: at(minute),
      });
    // platform: 1 FAIL, 2 PASS then ERROR (the latest counts); data: 3 FAIL, 4 none.
    await detection(1, 'FAIL', 1);
    await detection(2, 'PASS', 1);
    await detection(2, 'ERROR', 2);
    await detection(3, 'FAIL', 1);
    await detection(5, 'NOT_APPLICABLE', 1);
    const statements = await statementsOf(async () => {
      const counts = await store.countAccountsByOwner({
        hiddenEntityRefs: new Set([`resource:default/aws-${accountId(5)}`]),
      });
      expect(
        Object.fromEntries(
          counts.map(c => [c.ownerRef ?? '(none)', c.detection]),
        ),
      ).toEqual({
        'group:default/Platform': {
          PASS: 0,
          FAIL: 1,
          ERROR: 0,
          NOT_APPLICABLE: 0,
        },
        'group:default/platform': {
          PASS: 0,
          FAIL: 0,
          ERROR: 1,
          NOT_APPLICABLE: 0,
        },
        'group:default/data': { PASS: 0, FAIL: 1, ERROR: 0, NOT_APPLICABLE: 0 },
      });
      // The 2.4 totals are what they were without detection results.
      expect(
        counts.find(c => c.ownerRef === 'group:default/data')?.totals,
      ).toEqual({ PASS: 0, FAIL: 0, ERROR: 1, UNKNOWN: 0, EXEMPT: 1 });
    });
    expect(statements).toHaveLength(1);
    const bySystem = Object.fromEntries(
      (await store.countAccountsBySystem({})).map(c => [
        c.systemRef ?? '(none)',
        c.detection,
      ]),
    );
    expect(bySystem['system:default/payments']).toEqual({
      PASS: 0,
      FAIL: 1,
      ERROR: 1,
      NOT_APPLICABLE: 0,
    });
    expect(bySystem['system:default/lake'].NOT_APPLICABLE).toBe(1);
    expect(bySystem['(none)']).toEqual({
      PASS: 0,
      FAIL: 0,
      ERROR: 0,
      NOT_APPLICABLE: 0,
    });
  });

  it("counts systems' accounts per verdict the same way", async () => {
    await seedOnePerVerdict();
    const counts = await store.countAccountsBySystem({
      hiddenEntityRefs: new Set([`resource:default/aws-${accountId(1)}`]),
    });
    const bySystem = Object.fromEntries(
      counts.map(c => [c.systemRef ?? '(none)', c.totals]),
    );
    expect(bySystem).toEqual({
      'system:default/payments': expect.objectContaining({ FAIL: 1, PASS: 0 }),
      'system:default/Lake': expect.objectContaining({ ERROR: 1 }),
      'system:default/lake': expect.objectContaining({ UNKNOWN: 1 }),
      '(none)': expect.objectContaining({ EXEMPT: 1 }),
    });
    expect(
      await store.countAccountsBySystem({ readableEntityRefs: new Set() }),
    ).toEqual([]);
  });

  it('listAllAccounts reads every account a page at a time after the last id, never the rows before', async () => {
    await seedAccounts(knex, 2100, () => 'PASS');
    let all: Awaited<ReturnType<typeof listAllAccounts>> = [];
    const statements = await statementsOf(async () => {
      all = await listAllAccounts(store);
    });
    expect(all).toHaveLength(2100);
    expect(new Set(all.map(a => a.accountId)).size).toBe(2100);
    const pages = statements.filter(s => !/group by/i.test(s.sql));
    expect(pages).toHaveLength(3);
    expect(pages.map(p => p.sql.includes('offset'))).toEqual([
      false,
      false,
      false,
    ]);
    expect(pages[2].bindings).toContain(accountId(2000));
  });

  /** The statements `action` sends to the database. */
  async function statementsOf(action: () => Promise<unknown>) {
    const statements: Array<{ sql: string; bindings: unknown[] }> = [];
    const onQuery = (query: { sql: string; bindings: unknown[] }) =>
      statements.push({ sql: query.sql, bindings: query.bindings });
    knex.on('query', onQuery);
    try {
      await action();
    } finally {
      knex.off('query', onQuery);
    }
    return statements;
  }

  /** The database's plan of a statement, as one text. */
  async function planOf(statement: { sql: string; bindings: unknown[] }) {
    if (databaseId.startsWith('SQLITE')) {
      const rows: Array<{ detail: string }> = await knex.raw(
        `EXPLAIN QUERY PLAN ${statement.sql}`,
        statement.bindings as Knex.RawBinding[],
      );
      return rows.map(row => row.detail).join('\n');
    }
    // knex numbers PostgreSQL's parameters itself; raw() wants '?' placeholders.
    const result: { rows: Array<{ 'QUERY PLAN': string }> } = await knex.raw(
      `EXPLAIN ${statement.sql.replace(/\$\d+/g, '?')}`,
      statement.bindings as Knex.RawBinding[],
    );
    return result.rows.map(row => row['QUERY PLAN']).join('\n');
  }

  it('reads only the summary columns, never the evaluation documents', async () => {
    await seedOnePerVerdict();
    const statements = await statementsOf(() =>
      store.listAccounts({ search: 'a' }),
    );
    // The page, and the totals counted by the database.
    expect(statements).toHaveLength(2);
    for (const { sql } of statements) {
      expect(sql).not.toMatch(/evaluation["`]?\s*(,|from)/i);
      expect(sql).not.toMatch(/select \*/i);
    }
    expect(statements[1].sql).toMatch(/group by/i);
  });

  it('sorts numbers in titles by value, ignoring case and accents', async () => {
    for (const [n, title] of [
      [1, 'account 10'],
      [2, 'Account 9'],
      [3, 'Ärzte'],
      [4, 'Apfel'],
    ] as const) {
      await store.saveResult({
        mapping: aMapping(accountId(n), { title }),
        evaluation: anEvaluation(accountId(n), 'PASS'),
      });
    }
    expect(
      idsOf(
        await store.listAccounts({
          orderBy: { field: 'title', direction: 'asc' },
        }),
      ),
    ).toEqual([2, 1, 4, 3]);
  });

  it('10,000 accounts: two statements, each reading through an index, whatever the filters', async () => {
    const verdicts: Verdict[] = [
      'PASS',
      'PASS',
      'PASS',
      'FAIL',
      'ERROR',
      'UNKNOWN',
      'EXEMPT',
    ];
    await seedAccounts(
      knex,
      10_000,
      n => verdicts[n % verdicts.length],
      n => `group:default/team-${n % 200}`,
    );
    await knex.raw('ANALYZE');
    const readable = new Set<string>();
    for (let n = 1; n <= 10_000; n += 2) {
      readable.add(`resource:default/aws-${accountId(n)}`);
    }

    let page: Awaited<ReturnType<typeof store.listAccounts>> | undefined;
    const statements = await statementsOf(async () => {
      page = await store.listAccounts({
        readableEntityRefs: readable,
        search: '0',
        limit: 100,
      });
    });
    expect(page!.totalCount).toBe(5000);
    expect(Object.values(page!.totals).reduce((a, b) => a + b, 0)).toBe(5000);
    expect(page!.items[0].verdict).toBe('FAIL');
    expect(page!.items).toHaveLength(100);
    // 5,000 refs travel as one bound value, not 5,000.
    expect(statements).toHaveLength(2);
    for (const statement of statements) {
      expect(statement.bindings.length).toBeLessThan(10);
    }

    // The first page of the organization page walks the list index and stops after a page.
    const [firstPage] = await statementsOf(() => store.listAccounts({}));
    const firstPlan = await planOf(firstPage);
    expect(firstPlan).toContain('cis_aws_accounts_list_idx');
    expect(firstPlan).not.toMatch(/TEMP B-TREE|Sort/);

    // An owner's accounts come from the owner index.
    const [ownerPage] = await statementsOf(() =>
      store.listAccounts({ ownerRefs: ['GROUP:default/Team-7'] }),
    );
    expect(await planOf(ownerPage)).toContain(
      'cis_aws_accounts_owner_lower_idx',
    );
  });
});
