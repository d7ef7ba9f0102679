/*
 * Contract, "Data to collect", item 1: a trail the inventory lists but whose home region the
 * account cannot call (an opt-in region not enabled for it, a service control policy denying the
 * region) still exists and is never dropped. An organization trail whose owner is in scope takes
 * the owner's evaluation; otherwise it is UNKNOWN with the reason. Such a region is not an
 * inventory error. Through the simulator: the real SDK, a real opt-in region, an SCP fault.
 */
import { RunningSimulator, startSimulator } from '@internal/aws-simulator';
import { DatabaseEvaluationStore } from '../storage/DatabaseEvaluationStore';
import {
  createStore,
  createTestDatabases,
} from '../storage/__testUtils__/stores';
import { accountEntity, groupEntity } from '../__testUtils__/demoCatalog';
import { demoEngine } from './__testUtils__/demoEngine';

jest.setTimeout(60_000);

const MANAGEMENT = '400000000001';
/** A member that has not enabled ap-east-1, where the organization trail lives. */
const MEMBER = '400000000002';
/** A member that enabled ap-east-1; faults put an SCP (or a plain denial) in the way. */
const OPTED_IN_MEMBER = '400000000003';
const ORG_TRAIL = `arn:aws:cloudtrail:ap-east-1:${MANAGEMENT}:trail/org-trail`;

const WORLD = {
  regions: ['us-east-1', 'eu-west-1'],
  optInRegions: ['ap-east-1'],
  callerAccount: MANAGEMENT,
  organization: { id: 'o-unreach123', managementAccount: MANAGEMENT },
  accounts: [
    {
      id: MANAGEMENT,
      optInRegions: ['ap-east-1'],
      roles: [
        {
          name: 'TrailLogs',
          trustedServices: ['cloudtrail.amazonaws.com'],
          inlinePolicies: {
            Write: {
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                  Resource: '*',
                },
              ],
            },
          },
        },
      ],
      logGroups: [
        { name: 'org-trail-logs', region: 'ap-east-1', retentionInDays: 365 },
      ],
      trails: [
        {
          name: 'org-trail',
          homeRegion: 'ap-east-1',
          multiRegion: true,
          organization: true,
          logGroup: 'org-trail-logs',
          role: 'TrailLogs',
        },
      ],
    },
    { id: MEMBER },
    { id: OPTED_IN_MEMBER, optInRegions: ['ap-east-1'] },
  ],
};

const entity = (id: string, name: string) =>
  accountEntity({ id, name, owner: 'platform-team' });

describe('a trail whose home region the account cannot call', () => {
  let sim: RunningSimulator;
  let store: DatabaseEvaluationStore;
  const databases = createTestDatabases();

  beforeEach(async () => {
    sim = await startSimulator({ world: WORLD, port: 0 });
    sim.admin.setRateLimits({ enabled: false });
    ({ store } = await createStore(databases, 'SQLITE_3'));
  });
  afterEach(async () => {
    await sim.close();
  });

  const run = (ids: [string, string][]) =>
    demoEngine({
      simulatorUrl: sim.url,
      store,
      entities: [
        ...ids.map(([id, name]) => entity(id, name)),
        groupEntity('platform-team'),
      ],
    }).runAll({ trigger: 'schedule' });

  it("takes the owner's evaluation when the owner is in scope, and skips the region", async () => {
    await run([
      [MANAGEMENT, 'management'],
      [MEMBER, 'member'],
    ]);
    expect((await store.getAccount(MANAGEMENT))?.verdict).toBe('PASS');
    const member = await store.getAccount(MEMBER);
    expect(member?.verdict).toBe('PASS');
    const [trail] = member!.evaluation.trails;
    expect(trail).toMatchObject({
      trailArn: ORG_TRAIL,
      verdict: 'PASS',
      inheritedFrom: { accountId: MANAGEMENT },
    });
    expect(trail.facts.homeRegionUnreachable).toMatchObject({
      operation: 'cloudtrail:DescribeTrails',
      region: 'ap-east-1',
      code: 'UnrecognizedClientException',
    });
    expect(member!.evaluation.inventory).toMatchObject({
      regionsSkipped: ['ap-east-1'],
      regionsFailed: [],
    });
  });

  it('is UNKNOWN naming the region when the owner is not in scope, not ERROR INCOMPLETE_INVENTORY', async () => {
    await run([[MEMBER, 'member']]);
    const member = await store.getAccount(MEMBER);
    expect(member).toMatchObject({
      verdict: 'UNKNOWN',
      reason: 'TRAIL_UNDETERMINED',
    });
    expect(member!.evaluation.trails).toEqual([
      expect.objectContaining({
        trailArn: ORG_TRAIL,
        verdict: 'UNKNOWN',
        reason: 'HOME_REGION_UNREACHABLE',
        detail: expect.stringContaining('ap-east-1'),
      }),
    ]);
  });

  it("a service control policy denying the region is not an inventory error: the owner's evaluation applies", async () => {
    sim.admin.addFault({
      kind: 'scpDenied',
      account: OPTED_IN_MEMBER,
      region: 'ap-east-1',
    });
    await run([
      [MANAGEMENT, 'management'],
      [OPTED_IN_MEMBER, 'opted-in'],
    ]);
    const member = await store.getAccount(OPTED_IN_MEMBER);
    expect(member?.verdict).toBe('PASS');
    expect(
      member!.evaluation.trails[0].facts.homeRegionUnreachable?.message,
    ).toMatch(/service control policy/);
    expect(member!.evaluation.inventory.regionsSkipped).toEqual(['ap-east-1']);
  });

  it('a plain access denial in the home region stays an inventory error (the reader role lacks a permission)', async () => {
    sim.admin.addFault({
      kind: 'accessDenied',
      account: OPTED_IN_MEMBER,
      region: 'ap-east-1',
    });
    await run([
      [MANAGEMENT, 'management'],
      [OPTED_IN_MEMBER, 'opted-in'],
    ]);
    const member = await store.getAccount(OPTED_IN_MEMBER);
    expect(member).toMatchObject({
      verdict: 'ERROR',
      reason: 'INCOMPLETE_INVENTORY',
    });
    expect(member!.evaluation.inventory.regionsFailed).toEqual([
      expect.objectContaining({ region: 'ap-east-1' }),
    ]);
  });
});
