import { mockCredentials } from '@backstage/backend-test-utils';
import { DefaultOwnerRankingService, rankOwners } from './OwnerRankingService';

describe('rankOwners', () => {
  it('puts the owners with the most failing accounts first, then the most erroring, then by name', () => {
    const ranking = rankOwners([
      { ownerRef: 'group:default/b', verdict: 'PASS' },
      { ownerRef: 'group:default/a', verdict: 'ERROR' },
      { ownerRef: 'group:default/c', verdict: 'FAIL' },
      { ownerRef: 'group:default/c', verdict: 'PASS' },
      { ownerRef: 'group:default/d', verdict: 'ERROR' },
      { ownerRef: 'group:default/d', verdict: 'ERROR' },
    ]);
    expect(ranking.map(o => [o.ownerRef, o.totalCount])).toEqual([
      ['group:default/c', 2],
      ['group:default/d', 2],
      ['group:default/a', 1],
      ['group:default/b', 1],
    ]);
    expect(ranking[0].totals).toEqual({
      PASS: 1,
      FAIL: 1,
      ERROR: 0,
      UNKNOWN: 0,
      EXEMPT: 0,
    });
  });

  it('ranks the accounts nobody owns as one entry without an owner, after named owners that tie', () => {
    const ranking = rankOwners([
      { verdict: 'FAIL' },
      { verdict: 'PASS' },
      { ownerRef: 'group:default/z', verdict: 'FAIL' },
    ]);
    expect(ranking).toEqual([
      expect.objectContaining({ ownerRef: 'group:default/z', totalCount: 1 }),
      { totalCount: 2, totals: expect.objectContaining({ FAIL: 1, PASS: 1 }) },
    ]);
  });

  it('has nothing to rank without accounts', () => {
    expect(rankOwners([])).toEqual([]);
  });

  it("carries each owner's accounts per detection verdict when asked, without changing the order", () => {
    const detection = (verdict: 'PASS' | 'FAIL' | 'ERROR') => ({
      verdict,
      failingChecks: [],
      evaluatedAt: '2026-12-06T09:00:00.000Z',
    });
    const accounts = [
      {
        ownerRef: 'group:default/a',
        verdict: 'PASS' as const,
        detection: detection('FAIL'),
      },
      {
        ownerRef: 'group:default/a',
        verdict: 'PASS' as const,
        detection: detection('ERROR'),
      },
      { ownerRef: 'group:default/a', verdict: 'PASS' as const },
      {
        ownerRef: 'group:default/b',
        verdict: 'FAIL' as const,
        detection: detection('PASS'),
      },
    ];
    const ranking = rankOwners(accounts, { detection: true });
    expect(ranking.map(o => [o.ownerRef, o.detection])).toEqual([
      [
        'group:default/b',
        {
          counts: { PASS: 1, FAIL: 0, ERROR: 0, NOT_APPLICABLE: 0 },
          accountCount: 1,
        },
      ],
      [
        'group:default/a',
        {
          counts: { PASS: 0, FAIL: 1, ERROR: 1, NOT_APPLICABLE: 0 },
          accountCount: 2,
        },
      ],
    ]);
    expect(rankOwners(accounts)[0]).not.toHaveProperty('detection');
  });
});

describe('rankSystems', () => {
  it('ranks systems like owners, over what the caller may see, the accounts of no system last among ties', async () => {
    const visibility = { readableEntityRefs: new Set(['resource:default/a']) };
    const store = {
      countAccountsByOwner: jest.fn(),
      listOwnerEpisodes: jest.fn(),
      countAccountsBySystem: jest.fn(async () => [
        {
          totals: { PASS: 0, FAIL: 1, ERROR: 0, UNKNOWN: 0, EXEMPT: 0 },
          detection: { PASS: 0, FAIL: 0, ERROR: 0, NOT_APPLICABLE: 1 },
        },
        {
          systemRef: 'system:default/shop',
          totals: { PASS: 2, FAIL: 1, ERROR: 0, UNKNOWN: 0, EXEMPT: 0 },
          detection: { PASS: 1, FAIL: 2, ERROR: 0, NOT_APPLICABLE: 0 },
        },
        {
          systemRef: 'system:default/lake',
          totals: { PASS: 0, FAIL: 2, ERROR: 0, UNKNOWN: 0, EXEMPT: 0 },
          detection: { PASS: 0, FAIL: 0, ERROR: 0, NOT_APPLICABLE: 0 },
        },
      ]),
    };
    const service = (detectionEnabled?: boolean) =>
      DefaultOwnerRankingService.create({
        store,
        access: { accountVisibility: async () => visibility } as any,
        detectionEnabled,
      });
    const { systems } = await service().rankSystems({
      credentials: mockCredentials.user(),
    });
    expect(store.countAccountsBySystem).toHaveBeenCalledWith(visibility);
    expect(systems.map(s => [s.systemRef, s.totalCount])).toEqual([
      ['system:default/lake', 2],
      ['system:default/shop', 3],
      [undefined, 1],
    ]);
    expect(systems[2]).not.toHaveProperty('systemRef');
    expect(systems.map(s => s.detection)).toEqual([
      {
        counts: { PASS: 0, FAIL: 0, ERROR: 0, NOT_APPLICABLE: 0 },
        accountCount: 0,
      },
      {
        counts: { PASS: 1, FAIL: 2, ERROR: 0, NOT_APPLICABLE: 0 },
        accountCount: 3,
      },
      {
        counts: { PASS: 0, FAIL: 0, ERROR: 0, NOT_APPLICABLE: 1 },
        accountCount: 1,
      },
    ]);
    // Detection turned off: no counts at all, not zeros.
    const off = await service(false).rankSystems({
      credentials: mockCredentials.user(),
    });
    for (const system of off.systems) {
      expect(system).not.toHaveProperty('detection');
    }
  });
});
