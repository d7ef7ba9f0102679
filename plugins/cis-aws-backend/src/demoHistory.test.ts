// The demo-only replay of plugins/cis-aws-backend/dev (Jest finds tests under src/ only).
import { RunningSimulator } from '@internal/aws-simulator';
import { startDemoSimulator } from './__testUtils__/testBackend';
import {
  createStore,
  createTestDatabases,
} from './storage/__testUtils__/stores';
import { DEMO_HISTORY, replayDemoHistory } from '../dev/replayDemoHistory';
import { ConfigReader } from '@backstage/config';
import { EvidencePacket } from '@cis-aws/plugin-cis-aws-common';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCisAwsOptions } from './config';
import { exportEvidence } from './evidence/exportAll';
import { verifyPacket, verifyStore } from './evidence/packetIntegrity';

jest.setTimeout(300_000);

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

/**
 * The root README's evidence example, on a demo first started on 2026-12-06: the whole
 * scripted history replayed into a fresh SQLite file, then the packets the README's commands
 * write (`npm run evidence -- --at …` is exportEvidence; `verify` is verifyStore/verifyPacket).
 */
describe("the README's evidence example on a fresh demo", () => {
  let sim: RunningSimulator;
  let outDir: string;
  beforeEach(async () => {
    sim = await startDemoSimulator();
    outDir = mkdtempSync(join(tmpdir(), 'cis-aws-readme-evidence-'));
  });
  afterEach(async () => {
    await sim.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('writes meaningful packets for the dates it names, and verify holds', async () => {
    const { store } = await createStore(databases, 'SQLITE_3');
    const firstStart = new Date('2026-12-06T09:00:00.000Z');
    await replayDemoHistory({ simulatorUrl: sim.url, store, end: firstStart });
    const options = readCisAwsOptions(new ConfigReader({}));
    const now = () => firstStart;
    const packetOf = (accountId: string, atIso: string) =>
      exportEvidence({
        store,
        exceptions: store,
        options,
        outDir,
        at: new Date(atIso),
        accountIds: [accountId],
        now,
      }).then(
        () =>
          JSON.parse(
            readFileSync(
              join(
                outDir,
                accountId,
                atIso.slice(0, 10),
                'cis-2.4-evidence.json',
              ),
              'utf8',
            ),
          ) as EvidencePacket,
      );

    // npm run evidence -- --out evidence/ --at 2026-11-01: every account, 35 days back.
    const all = await exportEvidence({
      store,
      exceptions: store,
      options,
      outDir,
      at: new Date('2026-11-01T23:59:59.999Z'), // a bare --at date: the end of that UTC day
      now,
    });
    expect(all.index.accounts.length).toBeGreaterThanOrEqual(10);
    for (const entry of all.index.accounts) {
      expect([entry.accountId, entry.verdict]).not.toEqual([
        entry.accountId,
        'NOT_EVALUATED',
      ]);
    }
    const early: EvidencePacket = JSON.parse(
      readFileSync(
        join(outDir, PAYMENTS_PROD, '2026-11-01', 'cis-2.4-evidence.json'),
        'utf8',
      ),
    );
    expect(early.result?.verdict).toBe('PASS');
    expect(early.history.verifications.map(v => v.date)).toEqual([
      '2026-11-01',
    ]);

    // --account 403344556677 --at 2026-11-16T10:00:00Z: FAIL, NOT_LOGGING.
    const stopped = await packetOf(PAYMENTS_PROD, '2026-11-16T10:00:00.000Z');
    expect(stopped.result).toMatchObject({
      verdict: 'FAIL',
      evaluatedAt: expect.stringMatching(/^2026-11-16T09:40:/), // the replay's clock runs on
    });
    expect(
      stopped.trails.map(trail => [trail.name, trail.reason]),
    ).toContainEqual(['payments-prod-trail', 'NOT_LOGGING']);

    // --account 410011223344 --at 2026-11-10T12:00:00Z: the org trail, as its owner saw it.
    const member = await packetOf('410011223344', '2026-11-10T12:00:00.000Z');
    const orgTrail = member.trails.find(trail => trail.organizationTrail);
    expect(orgTrail?.organizationTrail).toMatchObject({
      ownerAccountId: '401122334455',
      evaluation: { evaluatedAt: expect.stringMatching(/^2026-11-10T10:2/) },
      trail: { name: 'acme-org-trail', reason: 'NOT_LOGGING' },
    });
    expect(member.result?.verdict).toBe('FAIL');

    // verify, and verify --packet.
    expect(await verifyStore(store)).toMatchObject({ ok: true, broken: [] });
    for (const packet of [early, stopped, member]) {
      expect(await verifyPacket(packet, store)).toMatchObject({ ok: true });
    }
  });
});
