// The demo-only replay of plugins/cis-aws-backend/dev (Jest finds tests under src/ only).
import { RunningSimulator } from '@internal/aws-simulator';
import { startDemoSimulator } from './__testUtils__/testBackend';
import {
  createStore,
  createTestDatabases,
} from './storage/__testUtils__/stores';
import { DEMO_HISTORY, replayDemoHistory } from '../dev/replayDemoHistory';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const PAYMENTS_PROD = '403344556677';

describe('replayed demo history', () => {
  let sim: RunningSimulator;
  beforeEach(async () => {
    sim = await startDemoSimulator();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('evaluates the simulated world on each past day, with the scripted changes, labelled, and resets the simulator', async () => {
    const { store } = await createStore(databases, 'SQLITE_3');
    const end = new Date('2026-12-06T09:00:00.000Z');
    // The payments-prod day of the script (20 days back), replayed over 3 days.
    const events = DEMO_HISTORY.filter(
      e => e.daysAgo === 20 || e.daysAgo === 19,
    );
    await replayDemoHistory({
      simulatorUrl: sim.url,
      store,
      days: 21,
      end,
      events,
    });

    const verifications = await store.listVerifications(PAYMENTS_PROD, {
      from: new Date('2026-11-01T00:00:00.000Z'),
      // The last evaluation starts at `end` and takes a moment.
      to: new Date(end.getTime() + 60_000),
    });
    // 21 past days, and the evaluation at `end` the replay finishes with.
    expect(verifications.map(v => v.date)).toHaveLength(22);
    expect(verifications.at(-1)?.date).toBe('2026-12-06');
    expect(verifications[0].date).toBe('2026-11-15');
    // Stopped at 09:40, started at 11:10, role broken at 15:30, fixed next day 08:15.
    const verdictAt = async (iso: string) =>
      (await store.getEvaluationAt(PAYMENTS_PROD, new Date(iso)))?.verdict;
    expect(await verdictAt('2026-11-16T09:00:00.000Z')).toBe('PASS');
    expect(await verdictAt('2026-11-16T10:00:00.000Z')).toBe('FAIL');
    expect(await verdictAt('2026-11-16T12:00:00.000Z')).toBe('PASS');
    expect(await verdictAt('2026-11-16T16:00:00.000Z')).toBe('FAIL');
    expect(await verdictAt('2026-11-17T09:00:00.000Z')).toBe('PASS');
    const changes = await store.getHistory(PAYMENTS_PROD);
    expect(
      changes.every(change => change.runId?.startsWith('demo-replay-2026-11-')),
    ).toBe(true);
    expect(await store.listRuns(10)).toEqual([]);
    expect((await store.verifyChain(PAYMENTS_PROD)).broken).toBeUndefined();
    // The simulator is back to the demo world on the real clock.
    expect(sim.admin.world().accounts.length).toBeGreaterThan(0);
    const clock = await (await fetch(`${sim.url}/__admin/clock`)).json();
    expect(Math.abs(Date.parse(clock.now) - Date.now())).toBeLessThan(60_000);
  });
});
