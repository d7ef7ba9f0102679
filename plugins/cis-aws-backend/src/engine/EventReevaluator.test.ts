import { mockServices } from '@backstage/backend-test-utils';
import { RunningSimulator } from '@internal/aws-simulator';
import { DatabaseEvaluationStore } from '../storage/DatabaseEvaluationStore';
import { DatabaseEvaluationCauseStore } from '../storage/evaluationCauses';
import { DatabaseRunCoordination } from '../storage/runCoordination';
import {
  createStore,
  createTestDatabases,
} from '../storage/__testUtils__/stores';
import { startDemoSimulator } from '../__testUtils__/testBackend';
import { AccountGate } from './AccountGate';
import { causeRecorder } from './causeRecorder';
import { EvaluationEngine } from './EvaluationEngine';
import { EventReevaluator } from './EventReevaluator';
import { demoEngine } from './__testUtils__/demoEngine';

jest.setTimeout(60_000);

const PAYMENTS_PROD = '403344556677';
const TRAIL = `/__admin/accounts/${PAYMENTS_PROD}/trails/payments-prod-trail`;

/** An EventBridge event as AWS delivers it to an SQS target (see docs/events.md). */
function cloudTrailEvent(
  accountId: string,
  eventName: string,
  options: { userName?: string; eventTime?: string; errorCode?: string } = {},
) {
  return {
    version: '0',
    id: `${eventName}-${Math.random()}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.cloudtrail',
    account: accountId,
    time: options.eventTime ?? new Date().toISOString(),
    region: 'us-east-1',
    detail: {
      eventSource: 'cloudtrail.amazonaws.com',
      eventName,
      eventTime: options.eventTime ?? new Date().toISOString(),
      recipientAccountId: accountId,
      userIdentity: {
        type: 'IAMUser',
        arn: `arn:aws:iam::${accountId}:user/${options.userName ?? 'alice'}`,
        userName: options.userName ?? 'alice',
      },
      requestParameters: { name: 'payments-prod-trail' },
      ...(options.errorCode ? { errorCode: options.errorCode } : {}),
    },
  };
}

async function waitFor(condition: () => Promise<boolean> | boolean) {
  const deadline = Date.now() + 45_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

describe('EventReevaluator', () => {
  let sim: RunningSimulator;
  let store: DatabaseEvaluationStore;
  let runs: DatabaseRunCoordination;
  let engine: EvaluationEngine;
  let causes: DatabaseEvaluationCauseStore;
  const databases = createTestDatabases();
  const closers: (() => void)[] = [];

  beforeEach(async () => {
    sim = await startDemoSimulator();
    const created = await createStore(databases, 'SQLITE_3');
    store = created.store;
    runs = store.coordination();
    engine = demoEngine({ simulatorUrl: sim.url, store });
    causes = DatabaseEvaluationCauseStore.fromKnex(created.knex);
    engine.onResult(
      causeRecorder({ causes, logger: mockServices.logger.mock() }),
    );
  });
  afterEach(async () => {
    closers.splice(0).forEach(close => close());
    await sim.close();
  });

  /** One replica: its own gate over the shared database, and its own re-evaluator. */
  function replica(name: string, debounceMs: number) {
    const gate = AccountGate.create({
      leases: runs,
      engine,
      logger: mockServices.logger.mock(),
      replicaId: name,
      leaseDurationMs: 60_000,
      heartbeatMs: 20_000,
      accountWaitMs: 30_000,
      sleep: ms =>
        new Promise(resolve => setTimeout(resolve, Math.min(ms, 50))),
    });
    const reevaluator = EventReevaluator.create({
      gate,
      engine,
      logger: mockServices.logger.mock(),
      debounceMs,
    });
    closers.push(
      () => gate.close(),
      () => reevaluator.close(),
    );
    return reevaluator;
  }

  /** Counts evaluations of each account, and checks that each holds the account's lease. */
  function watchEvaluations() {
    const counted: string[] = [];
    const holders: (string | undefined)[] = [];
    const original = engine.evaluateOne.bind(engine);
    jest
      .spyOn(engine, 'evaluateOne')
      .mockImplementation(async (accountId, read) => {
        counted.push(accountId);
        holders.push((await runs.getLease(accountId))?.holder);
        return original(accountId, read);
      });
    return { counted, holders };
  }

  it('re-evaluates an account once for a burst of 100 events, through the gate, and keeps what caused it', async () => {
    const stop = await fetch(`${sim.url}${TRAIL}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ isLogging: false }),
    });
    expect(stop.status).toBe(200);
    const { counted, holders } = watchEvaluations();
    // A window the whole burst fits in even on a loaded machine (the first event opens it).
    const reevaluator = replica('replica-a', 5_000);
    const eventTime = new Date(Date.now() - 20_000).toISOString();
    await reevaluator.onEvent({
      eventPayload: cloudTrailEvent(PAYMENTS_PROD, 'StopLogging', {
        userName: 'bob',
        eventTime,
      }),
    });
    const handled = await Promise.all(
      Array.from({ length: 99 }, (_, i) =>
        reevaluator.onEvent({
          eventPayload: cloudTrailEvent(
            PAYMENTS_PROD,
            i % 2 ? 'UpdateTrail' : 'StopLogging',
          ),
        }),
      ),
    );
    expect(handled.every(h => h.handled === 'scheduled')).toBe(true);
    await waitFor(() => reevaluator.pendingAccounts().length === 0);
    await reevaluator.idle();

    expect(counted).toEqual([PAYMENTS_PROD]);
    expect(holders).toEqual(['replica-a event StopLogging']);
    const stored = await store.getAccount(PAYMENTS_PROD);
    expect(stored?.verdict).toBe('FAIL');
    const kept = await causes.listCauses(PAYMENTS_PROD);
    expect(kept).toEqual([
      expect.objectContaining({
        trigger: 'event',
        eventName: 'StopLogging',
        principal: 'bob',
        principalArn: `arn:aws:iam::${PAYMENTS_PROD}:user/bob`,
        eventTime,
        eventCount: 100,
        otherEventNames: ['UpdateTrail'],
        verdict: 'FAIL',
        evaluatedAt: stored?.evaluation.evaluatedAt,
      }),
    ]);
  });

  it('ignores irrelevant events, failed calls and accounts outside the catalog', async () => {
    const { counted } = watchEvaluations();
    const reevaluator = replica('replica-a', 10);
    const answers = [
      await reevaluator.onEvent({
        eventPayload: cloudTrailEvent(PAYMENTS_PROD, 'DescribeTrails'),
      }),
      await reevaluator.onEvent({
        eventPayload: cloudTrailEvent('999999999999', 'StopLogging'),
      }),
      await reevaluator.onEvent({
        eventPayload: cloudTrailEvent(PAYMENTS_PROD, 'StopLogging', {
          errorCode: 'AccessDenied',
        }),
      }),
      await reevaluator.onEvent({ eventPayload: 'not an event' }),
    ];
    expect(answers.map(a => a.handled)).toEqual([
      'ignored',
      'ignored',
      'ignored',
      'ignored',
    ]);
    expect(answers[1]).toMatchObject({
      reason: 'account 999999999999 is not in the catalog',
    });
    expect(reevaluator.pendingAccounts()).toEqual([]);
    await reevaluator.idle();
    expect(counted).toEqual([]);
  });

  it('never evaluates one account on two replicas at once when both receive its events', async () => {
    let running = 0;
    let most = 0;
    const original = engine.evaluateOne.bind(engine);
    const evaluated: string[] = [];
    jest
      .spyOn(engine, 'evaluateOne')
      .mockImplementation(async (accountId, read) => {
        running += 1;
        most = Math.max(most, running);
        evaluated.push(accountId);
        try {
          return await original(accountId, read);
        } finally {
          running -= 1;
        }
      });
    const a = replica('replica-a', 20);
    const b = replica('replica-b', 20);
    // Each replica gets half of a burst (as with a shared queue, each message to one consumer).
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 ? a : b).onEvent({
          eventPayload: cloudTrailEvent(PAYMENTS_PROD, 'DeleteLogGroup'),
        }),
      ),
    );
    await waitFor(
      () =>
        a.pendingAccounts().length === 0 && b.pendingAccounts().length === 0,
    );
    await Promise.all([a.idle(), b.idle()]);
    expect(most).toBe(1);
    // One per replica at most: the second waited for the first (the gate), then read again.
    expect(evaluated.length).toBeGreaterThanOrEqual(1);
    expect(evaluated.length).toBeLessThanOrEqual(2);
  });
});
