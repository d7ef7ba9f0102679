/*
 * An organization trail's role also writes the member accounts' `o-<orgid>_*` streams. When the
 * organization id cannot be read, those streams go unchecked: the contract asks for a warning,
 * and delivery freshness carries the verdict.
 */
import { TrailEvaluation } from '@cis-aws/plugin-cis-aws-common';
import { RunningSimulator } from '@internal/aws-simulator';
import { startDemoSimulator } from '../__testUtils__/testBackend';
import { evaluateTrail } from '../rules';
import { AwsClientFactory } from './clients';
import { simulatedAwsClients } from './__testUtils__/simulatedAws';
import { collectAccountFacts } from './collectAccount';

/** The demo world's management account, owner of `acme-org-trail` (organization o-acme12345). */
const MANAGEMENT = '401122334455';
const ORG_TRAIL = `arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/acme-org-trail`;

// Integration test (a server over HTTP): a ceiling for loaded CI machines (load 5–9 on two
// cores), not a timing target; the tests wait on answers and conditions, never on clocks.
jest.setTimeout(60_000);

describe('an organization trail whose organization id cannot be read', () => {
  let sim: RunningSimulator;
  let aws: AwsClientFactory;

  beforeAll(async () => {
    sim = await startDemoSimulator();
    aws = simulatedAwsClients(sim.url);
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(() => sim.admin.clearFaults());

  async function evaluateOrgTrail(): Promise<TrailEvaluation> {
    const facts = await collectAccountFacts(await aws.forAccount(MANAGEMENT), {
      mode: 'account',
      defaultRegion: 'us-east-1',
      regions: ['us-east-1'],
      inScopeAccountIds: new Set([MANAGEMENT]),
      partition: 'aws',
      now: () => new Date(),
    });
    const trail = facts.trails.find(t => t.arn === ORG_TRAIL);
    if (!trail) throw new Error(`${ORG_TRAIL} was not collected`);
    return evaluateTrail(trail, {
      now: new Date(),
      maxDeliveryAgeMs: 24 * 60 * 60 * 1000,
      inScopeAccountIds: new Set([MANAGEMENT]),
    });
  }

  it('checks the o-<orgid>_ streams, with no warning, when the id is read', async () => {
    const evaluation = await evaluateOrgTrail();
    expect(evaluation.verdict).toBe('PASS');
    expect(evaluation.warnings.map(w => w.code)).not.toContain(
      'ORGANIZATION_STREAMS_NOT_CHECKED',
    );
    const { role } = evaluation.facts;
    expect(
      role.state === 'FOUND' && role.permission.state === 'DECIDED'
        ? role.permission.resources
        : [],
    ).toContainEqual(expect.stringContaining(':log-stream:o-acme12345_'));
  });

  it('warns that the member streams went unchecked and lets delivery freshness decide', async () => {
    sim.admin.addFault({
      kind: 'accessDenied',
      account: MANAGEMENT,
      service: 'organizations',
      operation: 'DescribeOrganization',
    });
    const evaluation = await evaluateOrgTrail();
    expect(evaluation.verdict).toBe('PASS');
    expect(evaluation.warnings).toContainEqual({
      code: 'ORGANIZATION_STREAMS_NOT_CHECKED',
      trailArn: ORG_TRAIL,
      detail: expect.stringContaining(
        'organizations:DescribeOrganization failed: AccessDeniedException',
      ),
    });
    expect(evaluation.facts.apiErrors).toContainEqual(
      expect.objectContaining({
        operation: 'organizations:DescribeOrganization',
      }),
    );
    const { role } = evaluation.facts;
    expect(
      role.state === 'FOUND' && role.permission.state === 'DECIDED'
        ? role.permission.resources.some(r => r.includes(':log-stream:o-'))
        : undefined,
    ).toBe(false);
  });
});
