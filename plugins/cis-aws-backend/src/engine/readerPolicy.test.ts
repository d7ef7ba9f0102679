/*
 * The reader policy users are told to attach is generated from READER_ACTIONS; this test holds
 * that list against what a real evaluation of the demo world calls, as the simulator counted it:
 * every operation the run made is in the list, and every action in the list was called.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { READER_ACTIONS } from '@cis-aws/plugin-cis-aws-common';
import { RunningSimulator } from '@internal/aws-simulator';
import {
  createStore,
  createTestDatabases,
} from '../storage/__testUtils__/stores';
import { startDemoSimulator } from '../__testUtils__/testBackend';
import { demoEngine } from './__testUtils__/demoEngine';

jest.setTimeout(60_000);

/**
 * Called with the portal's own credentials to become the reader, so it belongs to the portal's
 * principal, not to the reader role's policy.
 */
const PORTAL_ACTIONS = ['sts:AssumeRole'];

describe('the reader policy', () => {
  let sim: RunningSimulator;
  const databases = createTestDatabases();

  beforeEach(async () => {
    sim = await startDemoSimulator();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('lists exactly the operations a run of the demo world calls', async () => {
    const { store } = await createStore(databases, 'SQLITE_3');
    // GetFindings is called in the administrator account, with the same reader role name
    const engine = demoEngine({ simulatorUrl: sim.url, store });
    sim.admin.resetCalls();

    await engine.runAll({ trigger: 'schedule' });

    const called = Object.keys(sim.admin.calls().byOperation)
      .filter(operation => !PORTAL_ACTIONS.includes(operation))
      .sort();
    expect(called).toEqual([...READER_ACTIONS].sort());
    // Detection content is part of the run: its four actions are among those called.
    expect(called).toEqual(
      expect.arrayContaining([
        'cloudwatch:DescribeAlarmsForMetric',
        'logs:DescribeMetricFilters',
        'logs:TestMetricFilter',
        'sns:ListSubscriptionsByTopic',
      ]),
    );
  });

  it('is the policy the README documents, action for action', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const start = readme.indexOf('The reader role needs exactly the actions');
    expect(start).toBeGreaterThan(-1);
    // Up to what the portal's own credentials need (not the reader role's policy).
    const paragraph = readme
      .slice(start, readme.indexOf('\n\n', start))
      .split(/The\s+portal's own credentials/)[0];
    const documented = [...paragraph.matchAll(/`([a-z0-9-]+:[A-Za-z]+)`/g)].map(
      m => m[1],
    );
    expect(
      documented.filter(action => !PORTAL_ACTIONS.includes(action)).sort(),
    ).toEqual([...READER_ACTIONS].sort());
  });
});
