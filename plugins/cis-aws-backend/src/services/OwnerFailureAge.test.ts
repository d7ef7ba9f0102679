import { mockCredentials } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import {
  DefaultOwnerRankingService,
  failureAgeOf,
} from './OwnerRankingService';

const HOUR = 3_600_000;
const totals = (FAIL: number, PASS = 0) => ({
  PASS,
  FAIL,
  ERROR: 0,
  UNKNOWN: 0,
  EXEMPT: 0,
});

const detection = { PASS: 0, FAIL: 0, ERROR: 0, NOT_APPLICABLE: 0 };

describe('failureAgeOf', () => {
  it('takes the median of an odd number of fixes as the middle one, and the longest as max', () => {
    expect(
      failureAgeOf({
        openCount: 1,
        oldestOpenSince: '2026-11-20T02:11:00.000Z',
        fixDurationsMs: [5 * HOUR, 1 * HOUR, 48 * HOUR],
      }),
    ).toEqual({
      openCount: 1,
      oldestFailingSince: '2026-11-20T02:11:00.000Z',
      fixedCount: 3,
      medianTimeToFixMs: 5 * HOUR,
      maxTimeToFixMs: 48 * HOUR,
    });
  });

  it('takes the median of an even number of fixes as the mean of the middle two', () => {
    expect(
      failureAgeOf({ openCount: 0, fixDurationsMs: [4 * HOUR, 1 * HOUR] }),
    ).toMatchObject({ fixedCount: 2, medianTimeToFixMs: 2.5 * HOUR });
  });

  it('has no time to fix when nothing was fixed, and nothing open without episodes', () => {
    expect(failureAgeOf(undefined)).toEqual({ openCount: 0, fixedCount: 0 });
  });
});

describe('DefaultOwnerRankingService.rankOwners', () => {
  const visibility = { readableEntityRefs: new Set(['resource:default/a']) };

  function serviceWith(now = new Date('2026-12-06T10:00:00Z')) {
    const store = {
      countAccountsByOwner: jest.fn(async () => [
        { ownerRef: 'group:default/shop', totals: totals(1, 2), detection },
        { totals: totals(1), detection },
        { ownerRef: 'group:default/lake', totals: totals(0, 3), detection },
      ]),
      countAccountsBySystem: jest.fn(),
      listOwnerEpisodes: jest.fn(async () => [
        {
          ownerRef: 'group:default/shop',
          openCount: 1,
          oldestOpenSince: '2026-11-30T08:00:00.000Z',
          fixDurationsMs: [2 * HOUR],
        },
        {
          openCount: 1,
          oldestOpenSince: '2026-12-01T00:00:00.000Z',
          fixDurationsMs: [],
        },
      ]),
    };
    const service = DefaultOwnerRankingService.create({
      store,
      access: { accountVisibility: async () => visibility },
      now: () => now,
    });
    return { store, service };
  }

  it('adds each owner its failure age, the unowned accounts theirs, over what the caller may see', async () => {
    const { store, service } = serviceWith();
    const response = await service.rankOwners(
      { from: '2026-11-01', to: '2026-11-30' },
      { credentials: mockCredentials.user() },
    );
    expect(store.listOwnerEpisodes).toHaveBeenCalledWith(visibility, {
      from: new Date('2026-11-01T00:00:00.000Z'),
      to: new Date('2026-11-30T23:59:59.999Z'),
    });
    expect(response.period).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(
      response.owners.map(o => [o.ownerRef, o.failureAge.oldestFailingSince]),
    ).toEqual([
      ['group:default/shop', '2026-11-30T08:00:00.000Z'],
      [undefined, '2026-12-01T00:00:00.000Z'],
      ['group:default/lake', undefined],
    ]);
    expect(response.owners[0].failureAge.medianTimeToFixMs).toBe(2 * HOUR);
    expect(response.owners[2].failureAge).toEqual({
      openCount: 0,
      fixedCount: 0,
    });
  });

  it('defaults to the last 30 days, today included, as the trend does', async () => {
    const { service } = serviceWith();
    const { period } = await service.rankOwners(
      {},
      { credentials: mockCredentials.user() },
    );
    expect(period).toEqual({ from: '2026-11-07', to: '2026-12-06' });
  });

  it('refuses a period longer than a trend may be', async () => {
    const { service, store } = serviceWith();
    await expect(
      service.rankOwners(
        { from: '2020-01-01', to: '2026-12-06' },
        { credentials: mockCredentials.user() },
      ),
    ).rejects.toThrow(InputError);
    expect(store.listOwnerEpisodes).not.toHaveBeenCalled();
  });
});
