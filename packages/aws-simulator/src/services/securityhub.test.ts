import {
  GetFindingsCommand,
  GetFindingsCommandInput,
  paginateGetFindings,
} from '@aws-sdk/client-securityhub';
import { RunningSimulator } from '../index';
import {
  clients,
  clientsAs,
  errorOf,
  start,
  startDemo,
  world,
} from '../__testUtils__/harness';

// Over HTTP to a real server: a ceiling for loaded CI machines (load 5–9 on two
// cores), not a timing target; the tests wait on answers, never on clocks.
jest.setTimeout(60_000);

const eq = (Value: string) => [{ Value, Comparison: 'EQUALS' as const }];

describe('Security Hub (demo world)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startDemo();
  });
  afterAll(() => sim.close());

  const find = async (input: GetFindingsCommandInput, region = 'us-east-1') =>
    (
      await clients(sim, { region }).securityhub.send(
        new GetFindingsCommand(input),
      )
    ).Findings!;

  it('gives the administrator every account and region in the aggregation region, newest first', async () => {
    const findings = await find({});
    expect(findings).toHaveLength(10);
    expect(new Set(findings.map(f => f.AwsAccountId)).size).toBe(8);
    const times = findings.map(f => Date.parse(f.UpdatedAt!));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('returns ASFF findings for control CloudTrail.5 about the trail resource', async () => {
    const [finding] = await find({
      Filters: {
        ResourceId: eq(
          'arn:aws:cloudtrail:us-east-1:404455667788:trail/payments-staging-trail',
        ),
      },
    });
    expect(finding).toMatchObject({
      SchemaVersion: '2018-10-08',
      ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
      GeneratorId: 'security-control/CloudTrail.5',
      AwsAccountId: '404455667788',
      Region: 'us-east-1',
      Severity: { Label: 'LOW' },
      Resources: [
        {
          Type: 'AwsCloudTrailTrail',
          Id: 'arn:aws:cloudtrail:us-east-1:404455667788:trail/payments-staging-trail',
          Region: 'us-east-1',
        },
      ],
      Compliance: { Status: 'FAILED', SecurityControlId: 'CloudTrail.5' },
      RecordState: 'ACTIVE',
      Workflow: { Status: 'NEW' },
    });
    expect(finding.Id).toMatch(
      /^arn:aws:securityhub:us-east-1:404455667788:security-control\/CloudTrail\.5\/finding\/[0-9a-f-]{36}$/,
    );
    expect(finding.Compliance!.AssociatedStandards).toContainEqual({
      StandardsId: 'standards/cis-aws-foundations-benchmark/v/1.2.0',
    });
    expect(Date.parse(finding.CreatedAt!)).not.toBeNaN();
  });

  it('keeps older duplicates and archived findings, so consumers must de-duplicate', async () => {
    const storefront = await find({
      Filters: {
        ResourceId: eq(
          'arn:aws:cloudtrail:eu-west-1:405566778899:trail/storefront-trail',
        ),
      },
    });
    expect(storefront.map(f => f.Compliance!.Status)).toEqual([
      'PASSED',
      'FAILED',
    ]);
    const archived = await find({ Filters: { RecordState: eq('ARCHIVED') } });
    expect(archived.map(f => f.Resources![0].Id)).toEqual([
      'arn:aws:cloudtrail:us-east-1:403344556677:trail/payments-prod-legacy-trail',
    ]);
  });

  it('combines string filters: ANDed across fields, positive comparisons ORed, negative ones ANDed', async () => {
    const active = await find({
      Filters: {
        ComplianceSecurityControlId: eq('CloudTrail.5'),
        RecordState: eq('ACTIVE'),
        ProductName: eq('Security Hub'),
        ResourceType: eq('AwsCloudTrailTrail'),
      },
    });
    expect(active).toHaveLength(9);
    const failedOrWarning = await find({
      Filters: {
        ComplianceStatus: [
          { Value: 'FAILED', Comparison: 'EQUALS' },
          { Value: 'WARNING', Comparison: 'EQUALS' },
        ],
      },
    });
    expect(failedOrWarning).toHaveLength(3);
    const notStorefront = await find({
      Filters: {
        AwsAccountId: [{ Value: '40', Comparison: 'PREFIX' }],
        ResourceId: [
          { Value: 'storefront', Comparison: 'NOT_CONTAINS' },
          {
            Value: 'arn:aws:cloudtrail:us-east-1:401',
            Comparison: 'PREFIX_NOT_EQUALS',
          },
        ],
      },
    });
    expect(
      notStorefront
        .map(f => f.Resources![0].Id)
        .some(
          id => id!.includes('storefront') || id!.includes(':401122334455:'),
        ),
    ).toBe(false);
    expect(notStorefront).toHaveLength(6);
    const contains = await find({
      Filters: {
        ResourceId: [{ Value: 'data-lake', Comparison: 'CONTAINS' }],
        WorkflowStatus: eq('RESOLVED'),
      },
    });
    expect(contains.map(f => f.AwsAccountId)).toEqual(['408899001122']);
    const notPassed = await find({
      Filters: {
        ComplianceStatus: [{ Value: 'PASSED', Comparison: 'NOT_EQUALS' }],
        GeneratorId: eq('security-control/CloudTrail.5'),
      },
    });
    expect(notPassed.every(f => f.Compliance!.Status === 'FAILED')).toBe(true);
  });

  it('shows the administrator only the called region outside the aggregation region', async () => {
    const findings = await find({}, 'eu-west-1');
    expect(findings.map(f => f.Region)).toEqual([
      'eu-west-1',
      'eu-west-1',
      'eu-west-1',
    ]);
  });

  it('shows other accounts only their own findings', async () => {
    const { securityhub } = await clientsAs(sim, '403344556677');
    const { Findings } = await securityhub.send(new GetFindingsCommand({}));
    expect(Findings!.map(f => f.AwsAccountId)).toEqual([
      '403344556677',
      '403344556677',
    ]);
    const { Findings: none } = await securityhub.send(
      new GetFindingsCommand({ Filters: { AwsAccountId: eq('404455667788') } }),
    );
    expect(none).toEqual([]);
  });

  it('filters on UpdatedAt date ranges', async () => {
    const recent = await find({
      Filters: { UpdatedAt: [{ DateRange: { Value: 7, Unit: 'DAYS' } }] },
    });
    expect(recent).toHaveLength(8);
  });

  it('rejects MaxResults above 100 and filters the simulator does not implement', async () => {
    const { securityhub } = clients(sim);
    const tooMany = await errorOf(() =>
      securityhub.send(new GetFindingsCommand({ MaxResults: 101 })),
    );
    expect(tooMany.name).toBe('InvalidInputException');
    const unknown = await errorOf(() =>
      securityhub.send(
        new GetFindingsCommand({ Filters: { NoteText: eq('x') } }),
      ),
    );
    expect(unknown.name).toBe('InvalidInputException');
    expect(unknown.message).toContain('NoteText');
  });
});

describe('Security Hub (generated findings)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start(
      world({
        // These tests are about filters and paging; GetFindings' 3 calls a second (tested in
        // rateLimits.test.ts) would throttle consecutive tests on a fast machine.
        rateLimits: { enabled: false },
        securityHub: { administratorAccount: '111111111111' },
        accounts: [{ id: '111111111111' }, { id: '222222222222' }],
        securityHubFindings: [
          ...Array.from({ length: 250 }, (_, i) => ({
            account: i % 2 ? '111111111111' : '222222222222',
            trail: `arn:aws:cloudtrail:us-east-1:${
              i % 2 ? '111111111111' : '222222222222'
            }:trail/t-${i}`,
            status: i % 3 ? 'PASSED' : 'FAILED',
            updatedAt: `-${i + 1}m`,
          })),
          {
            account: '222222222222',
            trail: 'arn:aws:cloudtrail:us-east-1:222222222222:trail/gov',
            status: 'FAILED',
            controlId: null,
          },
        ],
      }),
    );
  });
  afterAll(() => sim.close());

  it('pages 250 findings over 3 pages of 100', async () => {
    const { securityhub } = clients(sim);
    const filters = { ComplianceSecurityControlId: eq('CloudTrail.5') };
    const sizes: number[] = [];
    const ids = new Set<string>();
    for await (const page of paginateGetFindings(
      { client: securityhub, pageSize: 100 },
      { Filters: filters },
    )) {
      sizes.push(page.Findings!.length);
      page.Findings!.forEach(f => ids.add(f.Id!));
    }
    expect(sizes).toEqual([100, 100, 50]);
    expect(ids.size).toBe(250);
  });

  it('narrows to named accounts with AwsAccountId EQUALS', async () => {
    const { securityhub } = clients(sim);
    const { Findings } = await securityhub.send(
      new GetFindingsCommand({
        Filters: {
          AwsAccountId: eq('111111111111'),
          ComplianceStatus: eq('FAILED'),
        },
        MaxResults: 100,
      }),
    );
    expect(
      Findings!.every(
        f =>
          f.AwsAccountId === '111111111111' &&
          f.Compliance!.Status === 'FAILED',
      ),
    ).toBe(true);
    expect(Findings).toHaveLength(42);
  });

  it('serves legacy CIS 1.2 findings without SecurityControlId, found by GeneratorId', async () => {
    const { securityhub } = clients(sim);
    const { Findings } = await securityhub.send(
      new GetFindingsCommand({
        Filters: {
          GeneratorId: eq(
            'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/2.4',
          ),
        },
      }),
    );
    expect(Findings).toHaveLength(1);
    expect(Findings![0].Compliance).toEqual({ Status: 'FAILED' });
    expect(Findings![0].Title).toMatch(/^2\.4 /);
    const { Findings: withoutControl } = await securityhub.send(
      new GetFindingsCommand({
        Filters: {
          ComplianceSecurityControlId: [
            { Value: 'CloudTrail.5', Comparison: 'NOT_EQUALS' },
          ],
        },
      }),
    );
    expect(withoutControl!.map(f => f.GeneratorId)).toEqual([
      'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/2.4',
    ]);
  });

  it('sorts by SortCriteria', async () => {
    const { securityhub } = clients(sim);
    const { Findings } = await securityhub.send(
      new GetFindingsCommand({
        SortCriteria: [{ Field: 'UpdatedAt', SortOrder: 'asc' }],
        MaxResults: 3,
        Filters: { ComplianceSecurityControlId: eq('CloudTrail.5') },
      }),
    );
    expect(Findings!.map(f => f.Resources![0].Id!.split('/')[1])).toEqual([
      't-249',
      't-248',
      't-247',
    ]);
  });
});
