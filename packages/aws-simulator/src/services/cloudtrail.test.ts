import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
  paginateListTrails,
} from '@aws-sdk/client-cloudtrail';
import { RunningSimulator } from '../index';
import {
  clients,
  clientsAs,
  errorOf,
  start,
  world,
} from '../__testUtils__/harness';

// Over HTTP to a real server: a ceiling for loaded CI machines (load 5–9 on two
// cores), not a timing target; the tests wait on answers, never on clocks.
jest.setTimeout(60_000);

const MGMT = '100000000001';
const MEMBER = '100000000002';
const OUTSIDER = '100000000003';
const ORG_TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${MGMT}:trail/org-trail`;

const testWorld = (listTrails: 'account' | 'region' = 'account') =>
  world({
    organization: { id: 'o-test000001', managementAccount: MGMT },
    behaviour: { listTrails },
    callerAccount: MGMT,
    accounts: [
      {
        id: MGMT,
        trails: [
          {
            name: 'org-trail',
            multiRegion: true,
            organization: true,
            logGroup: 'org-logs',
            role: 'CwlRole',
          },
        ],
      },
      {
        id: MEMBER,
        trails: [
          { name: 'west-only', homeRegion: 'us-west-2' },
          {
            name: 'global-eu',
            homeRegion: 'eu-west-1',
            multiRegion: true,
            logGroup: 'eu-logs',
            role: 'CwlRole',
            status: {
              latestCloudWatchLogsDeliveryTime: '-30h',
              latestCloudWatchLogsDeliveryError: 'AccessDeniedException',
            },
            eventSelectors: [
              {
                readWriteType: 'WriteOnly',
                includeManagementEvents: true,
                dataResources: [
                  { type: 'AWS::S3::Object', values: ['arn:aws:s3'] },
                ],
              },
            ],
          },
        ],
      },
      {
        id: OUTSIDER,
        organizationMember: false,
        trails: [{ name: 'outsider-trail' }],
      },
    ],
  });

describe('CloudTrail', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start(testWorld());
  });
  afterAll(() => sim.close());

  it('shows the organization trail to a member account with the owner ARN (ListTrails, DescribeTrails, GetTrail)', async () => {
    const { cloudtrail } = await clientsAs(sim, MEMBER);
    const listed = await cloudtrail.send(new ListTrailsCommand({}));
    expect(listed.Trails).toContainEqual({
      TrailARN: ORG_TRAIL_ARN,
      Name: 'org-trail',
      HomeRegion: 'us-east-1',
    });
    const described = await cloudtrail.send(new DescribeTrailsCommand({}));
    const org = described.trailList!.find(t => t.Name === 'org-trail')!;
    expect(org).toMatchObject({
      TrailARN: ORG_TRAIL_ARN,
      IsOrganizationTrail: true,
      IsMultiRegionTrail: true,
      HomeRegion: 'us-east-1',
    });
    expect(org.CloudWatchLogsLogGroupArn).toBe(
      `arn:aws:logs:us-east-1:${MGMT}:log-group:org-logs:*`,
    );
    const got = await cloudtrail.send(
      new GetTrailCommand({ Name: ORG_TRAIL_ARN }),
    );
    expect(got.Trail!.TrailARN).toBe(ORG_TRAIL_ARN);
  });

  it("answers TrailNotFoundException when a member asks for the organization trail's status", async () => {
    const { cloudtrail } = await clientsAs(sim, MEMBER);
    for (const name of [ORG_TRAIL_ARN, 'org-trail']) {
      const error = await errorOf(() =>
        cloudtrail.send(new GetTrailStatusCommand({ Name: name })),
      );
      expect(error.name).toBe('TrailNotFoundException');
      expect(error.$metadata?.httpStatusCode).toBe(400);
      expect(error.message).toBe(
        `Unknown trail: ${name} for the user: ${MEMBER}`,
      );
    }
  });

  it('gives the owner (management account) the organization trail status', async () => {
    const { cloudtrail } = clients(sim);
    const status = await cloudtrail.send(
      new GetTrailStatusCommand({ Name: ORG_TRAIL_ARN }),
    );
    expect(status.IsLogging).toBe(true);
    expect(
      Date.now() - status.LatestCloudWatchLogsDeliveryTime!.getTime(),
    ).toBeLessThan(10 * 60_000);
  });

  it('does not show the organization trail to an account outside the organization', async () => {
    const { cloudtrail } = await clientsAs(sim, OUTSIDER);
    const listed = await cloudtrail.send(new ListTrailsCommand({}));
    expect(listed.Trails!.map(t => t.Name)).toEqual(['outsider-trail']);
  });

  it('shows a multi-region trail once in every region (home + shadows), and a single-region trail only at home', async () => {
    const names: Record<string, string[]> = {};
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1']) {
      const { cloudtrail } = await clientsAs(sim, MEMBER, region);
      const { trailList } = await cloudtrail.send(
        new DescribeTrailsCommand({}),
      );
      names[region] = trailList!.map(t => t.Name!).sort();
      const eu = trailList!.filter(t => t.Name === 'global-eu');
      expect(eu).toHaveLength(1);
      expect(eu[0]).toMatchObject({
        HomeRegion: 'eu-west-1',
        TrailARN: `arn:aws:cloudtrail:eu-west-1:${MEMBER}:trail/global-eu`,
      });
    }
    expect(names).toEqual({
      'us-east-1': ['global-eu', 'org-trail'],
      'us-west-2': ['global-eu', 'org-trail', 'west-only'],
      'eu-west-1': ['global-eu', 'org-trail'],
    });
  });

  it('leaves shadow trails out when includeShadowTrails is false', async () => {
    const { cloudtrail } = await clientsAs(sim, MEMBER, 'us-west-2');
    const { trailList } = await cloudtrail.send(
      new DescribeTrailsCommand({ includeShadowTrails: false }),
    );
    expect(trailList!.map(t => t.Name)).toEqual(['west-only']);
  });

  it('DescribeTrails finds names in the called region only, ARNs anywhere, and skips unknown entries', async () => {
    const { cloudtrail } = await clientsAs(sim, MEMBER, 'us-east-1');
    const byName = await cloudtrail.send(
      new DescribeTrailsCommand({
        trailNameList: ['west-only', 'global-eu', 'nope'],
      }),
    );
    expect(byName.trailList!.map(t => t.Name)).toEqual(['global-eu']);
    const byArn = await cloudtrail.send(
      new DescribeTrailsCommand({
        trailNameList: [
          `arn:aws:cloudtrail:us-west-2:${MEMBER}:trail/west-only`,
        ],
      }),
    );
    expect(byArn.trailList!.map(t => t.Name)).toEqual(['west-only']);
  });

  it('ListTrails (behaviour account) lists every visible trail of every region, whichever region is called', async () => {
    const { cloudtrail } = await clientsAs(sim, MEMBER, 'eu-west-1');
    const { Trails } = await cloudtrail.send(new ListTrailsCommand({}));
    expect(Trails!.map(t => `${t.Name}@${t.HomeRegion}`).sort()).toEqual([
      'global-eu@eu-west-1',
      'org-trail@us-east-1',
      'west-only@us-west-2',
    ]);
  });

  it('ListTrails (behaviour region) lists only trails homed in the called region plus shadows', async () => {
    const regional = await start(testWorld('region'));
    try {
      const east = await clientsAs(regional, MEMBER, 'us-east-1');
      const { Trails } = await east.cloudtrail.send(new ListTrailsCommand({}));
      expect(Trails!.map(t => t.Name).sort()).toEqual([
        'global-eu',
        'org-trail',
      ]);
      const west = await clientsAs(regional, MEMBER, 'us-west-2');
      const westTrails = await west.cloudtrail.send(new ListTrailsCommand({}));
      expect(westTrails.Trails!.map(t => t.Name).sort()).toEqual([
        'global-eu',
        'org-trail',
        'west-only',
      ]);
    } finally {
      await regional.close();
    }
  });

  it('GetTrailStatus reports logging state, relative delivery times and delivery errors', async () => {
    const { cloudtrail } = await clientsAs(sim, MEMBER, 'us-east-1');
    const status = await cloudtrail.send(
      new GetTrailStatusCommand({ Name: 'global-eu' }),
    );
    expect(status.IsLogging).toBe(true);
    expect(status.LatestCloudWatchLogsDeliveryError).toBe(
      'AccessDeniedException',
    );
    const age = Date.now() - status.LatestCloudWatchLogsDeliveryTime!.getTime();
    expect(age).toBeGreaterThan(30 * 3_600_000 - 60_000);
    expect(age).toBeLessThan(30 * 3_600_000 + 60_000);
    expect(status.LatestDeliveryTime).toBeInstanceOf(Date);
  });

  it('GetEventSelectors returns the AWS default or the trail selectors', async () => {
    const { cloudtrail } = await clientsAs(sim, MEMBER, 'us-west-2');
    const defaults = await cloudtrail.send(
      new GetEventSelectorsCommand({ TrailName: 'west-only' }),
    );
    expect(defaults.EventSelectors).toEqual([
      {
        ReadWriteType: 'All',
        IncludeManagementEvents: true,
        DataResources: [],
        ExcludeManagementEventSources: [],
      },
    ]);
    const custom = await cloudtrail.send(
      new GetEventSelectorsCommand({ TrailName: 'global-eu' }),
    );
    expect(custom.TrailARN).toBe(
      `arn:aws:cloudtrail:eu-west-1:${MEMBER}:trail/global-eu`,
    );
    expect(custom.EventSelectors![0]).toMatchObject({
      ReadWriteType: 'WriteOnly',
      DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }],
    });
  });

  it('answers TrailNotFoundException for an unknown trail, with the awsQuery-compatible error header', async () => {
    const { cloudtrail } = await clientsAs(sim, MEMBER);
    const error = await errorOf(() =>
      cloudtrail.send(new GetTrailCommand({ Name: 'missing' })),
    );
    expect(error.name).toBe('TrailNotFoundException');
    const res = await fetch(`${sim.url}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'CloudTrail_20131101.GetTrail',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20240101/us-east-1/cloudtrail/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify({ Name: 'missing' }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('TrailNotFoundException');
    expect(res.headers.get('x-amzn-query-error')).toBe('TrailNotFound;Sender');
    expect(await res.json()).toEqual({
      __type: 'TrailNotFoundException',
      message: `Unknown trail: missing for the user: ${MGMT}`,
    });
  });

  it('pages ListTrails with NextToken', async () => {
    const many = await start(
      world({
        accounts: [
          {
            id: MGMT,
            trails: Array.from({ length: 120 }, (_, i) => ({
              name: `trail-${String(i).padStart(3, '0')}`,
            })),
          },
        ],
      }),
    );
    try {
      const { cloudtrail } = clients(many);
      const first = await cloudtrail.send(new ListTrailsCommand({}));
      expect(first.Trails).toHaveLength(50);
      expect(first.NextToken).toBeDefined();
      const names: string[] = [];
      let pages = 0;
      for await (const page of paginateListTrails({ client: cloudtrail }, {})) {
        pages++;
        names.push(...page.Trails!.map(t => t.Name!));
      }
      expect(pages).toBe(3);
      expect(new Set(names).size).toBe(120);
    } finally {
      await many.close();
    }
  });
});
