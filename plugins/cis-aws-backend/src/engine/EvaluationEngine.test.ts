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
});
