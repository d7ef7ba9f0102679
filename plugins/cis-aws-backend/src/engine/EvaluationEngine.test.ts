import { RunningSimulator } from '@internal/aws-simulator';
import { DatabaseEvaluationStore } from '../storage/DatabaseEvaluationStore';
import {
  createStore,
  createTestDatabases,
} from '../storage/__testUtils__/stores';
import { demoEntities } from '../__testUtils__/demoCatalog';
import { startDemoSimulator } from '../__testUtils__/testBackend';
import { demoEngine } from './__testUtils__/demoEngine';

jest.setTimeout(60_000);

const ANALYTICS_DEV = '410011223344'; // covered only by the organization trail
const AUDIT_LOGS = '401122334455'; // owns the organization trail

describe('EvaluationEngine', () => {
  let sim: RunningSimulator;
  let store: DatabaseEvaluationStore;
  const databases = createTestDatabases();

  beforeEach(async () => {
    sim = await startDemoSimulator();
    ({ store } = await createStore(databases, 'SQLITE_3'));
  });
  afterEach(async () => {
    await sim.close();
  });

  const engineWith = (entities = demoEntities()) =>
    demoEngine({ simulatorUrl: sim.url, store, entities });

  it("reads the roles' policy documents once, then shows them again on the next runs with the same verdicts, also after a restart", async () => {
    const verdicts = async () =>
      (await store.listAccounts({ limit: 1000 })).items.map(a => [
        a.accountId,
        a.verdict,
        a.reason,
      ]);
    const policiesReadAt = async (accountId: string) =>
      (await store.getAccount(accountId))?.evaluation.trails.map(
        ({ facts: { role } }) =>
          role.state === 'FOUND' && role.permission.state === 'DECIDED'
            ? role.permission.policiesReadAt
            : undefined,
      );
    const documentReads = (calls: Record<string, number> | undefined) =>
      calls?.['iam:ListRolePolicies'] ?? 0;

    const engine = engineWith();
    const first = await engine.runAll({ trigger: 'schedule' });
    const firstVerdicts = await verdicts();
    expect(documentReads(first?.calls)).toBeGreaterThan(0);
    const firstReadAt = await policiesReadAt(AUDIT_LOGS);
    expect(firstReadAt).toEqual([expect.stringMatching(/^\d{4}-/)]);

    const second = await engine.runAll({ trigger: 'schedule' });
    expect(await verdicts()).toEqual(firstVerdicts);
    // Only roles the simulation could not decide (static analysis) are read again.
    expect(documentReads(second?.calls)).toBeLessThan(
      documentReads(first?.calls),
    );

    // A restarted backend finds them in the stored evaluations.
    const afterRestart = await engineWith().runAll({ trigger: 'schedule' });
    expect(await verdicts()).toEqual(firstVerdicts);
    expect(documentReads(afterRestart?.calls)).toBe(
      documentReads(second?.calls),
    );
    // …and each evaluation still says when they were read: by the first run.
    expect(await policiesReadAt(AUDIT_LOGS)).toEqual(firstReadAt);
  });

  it('gives an account new in the catalog its organization trail owner’s stored verdict in a new-accounts run', async () => {
    const all = demoEntities();
    const withoutNew = all.filter(
      e =>
        e.metadata.annotations?.['amazonaws.com/account-id'] !== ANALYTICS_DEV,
    );
    await engineWith(withoutNew).runAll({ trigger: 'schedule' });
    expect(await store.getAccount(ANALYTICS_DEV)).toBeUndefined();

    const run = await engineWith(all).runAll({
      trigger: 'new-accounts',
      onlyUnevaluated: true,
    });
    expect(run).toMatchObject({ accountsTotal: 1, accountsEvaluated: 1 });
    const added = await store.getAccount(ANALYTICS_DEV);
    expect(added?.verdict).toBe('PASS');
    expect(added?.evaluation.trails[0].inheritedFrom).toEqual({
      accountId: '401122334455',
    });
    // Nothing new: no run at all.
    expect(
      await engineWith(all).runAll({
        trigger: 'new-accounts',
        onlyUnevaluated: true,
      }),
    ).toBeUndefined();
  });

  it('a save that fails while the batch is still collecting fails the run with its error, and saves nothing', async () => {
    // The database goes away mid-run: every save rejects at once, while the other accounts are
    // still being read (slow CloudTrail). Each save is marked handled when it starts
    // (EvaluationEngine.evaluateBatch): Jest's sandboxed `process` cannot observe Node's
    // unhandled rejections, so this test holds the visible half — the error is not swallowed.
    sim.admin.addFault({ kind: 'latency', service: 'cloudtrail', ms: 150 });
    const failing = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'saveResult') {
          return () => Promise.reject(new Error('the database went away'));
        }
        return Reflect.get(target, property, receiver);
      },
    });
    const engine = demoEngine({
      simulatorUrl: sim.url,
      store: failing,
      entities: demoEntities(),
    });
    const outcome = await engine.runAll({ trigger: 'schedule' }).then(
      run => ({ run, error: undefined }),
      error => ({ run: undefined, error }),
    );
    const said = outcome.error
      ? String(outcome.error)
      : JSON.stringify(outcome.run);
    expect(said).toMatch(/database went away|failed/);
    expect((await store.listAccounts({ limit: 1000 })).items).toEqual([]);
  });
});
