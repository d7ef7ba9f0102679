/*
 * Issue 12's fault matrix, rerun as tests through the simulator on SQLite: a 500 on
 * DescribeLogGroups, a throttled management account, AccessDenied, connection resets. Each case
 * starts from the demo world's verdicts and checks that no verdict turns falsely FAIL or PASS,
 * that no FAIL flaps to UNKNOWN, that history keeps every verdict, and that owners hear only what
 * the notification rules say (FAIL at once, ERROR/UNKNOWN once it persists, a recovery only of
 * what they were told).
 */
import { mockServices } from '@backstage/backend-test-utils';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import { Verdict } from '@cis-aws/plugin-cis-aws-common';
import { RunningSimulator } from '@internal/aws-simulator';
import { DEFAULT_NOTIFICATION_OPTIONS, OwnerNotifier } from '../notifications';
import { DatabaseEvaluationStore } from '../storage/DatabaseEvaluationStore';
import { DatabaseNotificationStateStore } from '../storage/notificationStates';
import {
  createStore,
  createTestDatabases,
} from '../storage/__testUtils__/stores';
import { startDemoSimulator } from '../__testUtils__/testBackend';
import { demoEngine } from './__testUtils__/demoEngine';
import { EvaluationEngine } from './EvaluationEngine';

jest.setTimeout(120_000);

const MANAGEMENT = '401122334455';
const SECURITY_TOOLING = '402233445566';
const PAYMENTS_PROD = '403344556677';
const PAYMENTS_STAGING = '404455667788';
const LEGACY_BILLING = '411122334455';
const STOREFRONT_PROD = '405566778899';
const STOREFRONT_STAGING = '406677889900';
const CHECKOUT_DEV = '407788990011';
const DATA_LAKE_PROD = '408899001122';
const ANALYTICS_DEV = '410011223344';
const ANALYTICS_SANDBOX = '409900112233';

/** The demo world's verdicts, and why the failing accounts fail. */
const BASELINE: Record<string, { verdict: Verdict; trailReason?: string }> = {
  [MANAGEMENT]: { verdict: 'PASS' },
  [SECURITY_TOOLING]: { verdict: 'PASS' },
  [PAYMENTS_PROD]: { verdict: 'PASS' },
  [PAYMENTS_STAGING]: { verdict: 'FAIL', trailReason: 'NO_LOG_GROUP' },
  [LEGACY_BILLING]: { verdict: 'ERROR' },
  [STOREFRONT_PROD]: { verdict: 'PASS' },
  [STOREFRONT_STAGING]: { verdict: 'FAIL', trailReason: 'DELIVERY_STALE' },
  [CHECKOUT_DEV]: { verdict: 'FAIL', trailReason: 'ROLE_CANNOT_WRITE' },
  [DATA_LAKE_PROD]: { verdict: 'FAIL', trailReason: 'NOT_LOGGING' },
  [ANALYTICS_DEV]: { verdict: 'PASS' },
  [ANALYTICS_SANDBOX]: { verdict: 'FAIL' },
};
const FAILING = Object.keys(BASELINE).filter(
  id => BASELINE[id].verdict === 'FAIL',
);
const PASSING = Object.keys(BASELINE).filter(
  id => BASELINE[id].verdict === 'PASS',
);

/** Keeps what owners would be sent. */
class RecordingNotifications implements NotificationService {
  readonly sent: NotificationSendOptions[] = [];
  async send(options: NotificationSendOptions) {
    this.sent.push(options);
  }
  titles(from = 0) {
    return this.sent.slice(from).map(n => n.payload.title);
  }
}

describe('the fault matrix through the simulator', () => {
  let sim: RunningSimulator;
  let store: DatabaseEvaluationStore;
  let engine: EvaluationEngine;
  let notifications: RecordingNotifications;
  const databases = createTestDatabases();

  const run = () => engine.runAll({ trigger: 'schedule' });

  async function verdicts(): Promise<Record<string, Verdict>> {
    const found: Record<string, Verdict> = {};
    for (const id of Object.keys(BASELINE)) {
      found[id] = (await store.getAccount(id))!.verdict;
    }
    return found;
  }

  /** Every test's precondition: the demo world's verdicts, and only legacy-billing's owner told. */
  async function expectBaseline() {
    expect(await verdicts()).toEqual(
      Object.fromEntries(
        Object.entries(BASELINE).map(([id, { verdict }]) => [id, verdict]),
      ),
    );
    expect(
      notifications.titles().filter(t => t.includes('could not be checked')),
    ).toEqual([
      'CIS 2.4 could not be checked: legacy-billing (411122334455) — The reader role could not be assumed',
    ]);
  }

  beforeEach(async () => {
    sim = await startDemoSimulator();
    let knex;
    ({ store, knex } = await createStore(databases, 'SQLITE_3'));
    engine = demoEngine({ simulatorUrl: sim.url, store });
    notifications = new RecordingNotifications();
    engine.onResult(
      OwnerNotifier.create({
        notifications,
        logger: mockServices.logger.mock(),
        states: await DatabaseNotificationStateStore.create({
          database: mockServices.database({ knex }),
        }),
        options: DEFAULT_NOTIFICATION_OPTIONS,
      }).onResult,
    );
    // Two clean runs: legacy-billing's reader role is refused for good, so its owner hears it
    // at the second; from then on, only the faults below can make anyone hear anything.
    await run();
    await run();
    await expectBaseline();
  });
  afterEach(async () => {
    await sim.close();
  });

  /** Every failing account still fails, for the same trail reason. */
  async function expectFailuresStand() {
    for (const id of FAILING) {
      const account = (await store.getAccount(id))!;
      expect({ id, verdict: account.verdict }).toEqual({ id, verdict: 'FAIL' });
      const { trailReason } = BASELINE[id];
      if (trailReason) {
        expect(account.evaluation.trails.map(t => t.reason)).toContain(
          trailReason,
        );
      }
    }
  }

  /** Verdict changes of the account itself, oldest first. */
  async function accountHistory(id: string) {
    return (await store.getHistory(id))
      .filter(change => !change.trailArn)
      .map(change => `${change.from ?? 'none'}→${change.to}`);
  }

  /** Trail changes recorded as new although the trail was known before. */
  async function trailsRecordedFromNothing(id: string) {
    const changes = (await store.getHistory(id)).filter(c => c.trailArn);
    const seen = new Set<string>();
    let fromNothing = 0;
    for (const change of changes) {
      if (seen.has(change.trailArn!) && change.from === undefined) {
        fromNothing += 1;
      }
      seen.add(change.trailArn!);
    }
    return fromNothing;
  }

  it('a 500 on DescribeLogGroups: no FAIL flaps, no false PASS, and nobody is notified', async () => {
    const told = notifications.sent.length;
    sim.admin.addFault({
      kind: 'serverError',
      service: 'logs',
      operation: 'DescribeLogGroups',
    });
    await run();

    // The FAILs were decided from facts that were read: they stand (DELIVERY_STALE and
    // NOT_LOGGING beside a failed log group lookup, NO_LOG_GROUP without any).
    await expectFailuresStand();
    const after = await verdicts();
    for (const id of PASSING) {
      // Nothing is FAIL for a failed call; an account whose own trail's log group could not be
      // looked up cannot be PASS on a fresh reading either.
      expect({ id, verdict: after[id] }).not.toEqual({ id, verdict: 'FAIL' });
    }
    for (const id of [
      MANAGEMENT,
      SECURITY_TOOLING,
      PAYMENTS_PROD,
      STOREFRONT_PROD,
    ]) {
      expect({ id, verdict: after[id] }).toEqual({ id, verdict: 'UNKNOWN' });
      const stored = (await store.getAccount(id))!;
      expect(stored.stale).toBe(true);
      expect(stored.lastDefinitive?.verdict).toBe('PASS');
    }
    // A member seen only through the organization trail takes its owner's last definitive
    // evaluation, saying so, instead of flapping to UNKNOWN.
    const member = (await store.getAccount(ANALYTICS_DEV))!;
    expect(member.verdict).toBe('PASS');
    expect(member.evaluation.trails[0]).toMatchObject({
      inheritedFrom: { accountId: MANAGEMENT, evaluatedAt: expect.any(String) },
    });
    expect(member.evaluation.warnings.map(w => w.code)).toContain(
      'OWNER_EVALUATION_STALE',
    );

    // The fault clears: every verdict is back, and owners heard nothing of it.
    sim.admin.clearFaults();
    await run();
    expect(Object.values(await verdicts())).toEqual(
      Object.values(BASELINE).map(b => b.verdict),
    );
    expect(notifications.titles(told)).toEqual([]);
    // History kept the FAILs whole: one change each, their first.
    for (const id of FAILING) {
      expect(await accountHistory(id)).toEqual(['none→FAIL']);
    }
  });

  it('a throttled management account: its members keep their verdicts, and only a lasting ERROR is told', async () => {
    const told = notifications.sent.length;
    sim.admin.addFault({ kind: 'throttle', account: MANAGEMENT });
    await run();

    const after = await verdicts();
    expect(after[MANAGEMENT]).toBe('ERROR');
    for (const id of Object.keys(BASELINE).filter(
      other => other !== MANAGEMENT,
    )) {
      expect({ id, verdict: after[id] }).toEqual({
        id,
        verdict: BASELINE[id].verdict,
      });
    }
    await expectFailuresStand();
    expect(notifications.titles(told)).toEqual([]);

    // Still throttled at the next run: now it persists, and its owner hears it, once.
    await run();
    expect(notifications.titles(told)).toEqual([
      'CIS 2.4 could not be checked: platform-management (401122334455) — Some regions could not be read',
    ]);
    await run();
    expect(notifications.titles(told)).toHaveLength(1);

    // It clears: the recovery of what was told, and nothing for anyone else.
    sim.admin.clearFaults();
    await run();
    expect(notifications.titles(told)).toEqual([
      'CIS 2.4 could not be checked: platform-management (401122334455) — Some regions could not be read',
      'CIS 2.4 recovered: platform-management (401122334455) — passing',
    ]);
    expect(await accountHistory(ANALYTICS_DEV)).toEqual(['none→PASS']);
  });

  it('AccessDenied on one account: that account only, ERROR or UNKNOWN, never FAIL, and no notification for one run', async () => {
    const told = notifications.sent.length;
    sim.admin.addFault({
      kind: 'accessDenied',
      account: PAYMENTS_PROD,
      service: 'cloudtrail',
    });
    sim.admin.addFault({
      kind: 'accessDenied',
      account: STOREFRONT_STAGING,
      service: 'cloudtrail',
      operation: 'GetTrailStatus',
    });
    await run();
    const after = await verdicts();
    expect(['ERROR', 'UNKNOWN']).toContain(after[PAYMENTS_PROD]);
    // Its status unreadable, the stale trail cannot be judged stale: not FAIL, not PASS.
    expect(['ERROR', 'UNKNOWN']).toContain(after[STOREFRONT_STAGING]);
    for (const id of Object.keys(BASELINE).filter(
      other => other !== PAYMENTS_PROD && other !== STOREFRONT_STAGING,
    )) {
      expect({ id, verdict: after[id] }).toEqual({
        id,
        verdict: BASELINE[id].verdict,
      });
    }
    expect(notifications.titles(told)).toEqual([]);

    // The stale trail is still what the owner was told about: its return to FAIL is no news,
    // and the history records it from the FAIL it had.
    sim.admin.clearFaults();
    await run();
    expect(await verdicts()).toEqual(
      Object.fromEntries(
        Object.entries(BASELINE).map(([id, { verdict }]) => [id, verdict]),
      ),
    );
    expect(notifications.titles(told)).toEqual([]);
    expect(await trailsRecordedFromNothing(PAYMENTS_PROD)).toBe(0);
  });

  it('connection resets: absorbed by retries when brief, and a lasting one turns no FAIL to UNKNOWN', async () => {
    const told = notifications.sent.length;
    for (const id of Object.keys(BASELINE)) {
      sim.admin.addFault({
        kind: 'connectionReset',
        account: id,
        service: 'cloudtrail',
        operation: 'GetTrailStatus',
        count: 1,
      });
    }
    await run();
    expect(await verdicts()).toEqual(
      Object.fromEntries(
        Object.entries(BASELINE).map(([id, { verdict }]) => [id, verdict]),
      ),
    );

    // Every log group lookup of every account is reset, run after run.
    sim.admin.addFault({
      kind: 'connectionReset',
      service: 'logs',
    });
    await run();
    await run();
    await expectFailuresStand();
    const after = await verdicts();
    for (const id of PASSING) {
      expect({ id, verdict: after[id] }).not.toEqual({ id, verdict: 'FAIL' });
    }
    // Two runs in a row that could not check them: their owners hear it once, FAIL owners not
    // again.
    const titles = notifications.titles(told);
    expect(titles).toContain(
      'CIS 2.4 could not be checked: security-tooling (402233445566) — AWS call failed',
    );
    // Once each.
    expect(new Set(titles).size).toBe(titles.length);
    expect(
      titles.every(t => t.startsWith('CIS 2.4 could not be checked')),
    ).toBe(true);
    expect(titles.some(t => t.includes('storefront-staging'))).toBe(false);
    expect(titles.some(t => t.includes('payments-staging'))).toBe(false);
  });
});
