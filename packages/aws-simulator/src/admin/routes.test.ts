import {
  DescribeTrailsCommand,
  GetTrailStatusCommand,
} from '@aws-sdk/client-cloudtrail';
import { GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { RunningSimulator } from '../index';
import {
  adminFetch,
  clients,
  clientsAs,
  startDemo,
} from '../__testUtils__/harness';

const PAYMENTS_PROD = '403344556677';
const CHECKOUT_DEV = '407788990011';
const MGMT = '401122334455';
const TRAIL = `/accounts/${PAYMENTS_PROD}/trails/payments-prod-trail`;

// Integration test (a server over HTTP): a ceiling for loaded CI machines (load 5–9 on two
// cores), not a timing target; the tests wait on answers and conditions, never on clocks.
jest.setTimeout(60_000);

describe('admin API: world, findings, errors and call counters', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startDemo();
  });
  afterAll(() => sim.close());
  afterEach(async () => {
    const reset = await adminFetch(sim, 'POST', '/reset');
    if (reset.status !== 200)
      throw new Error(`reset failed: ${JSON.stringify(reset.body)}`);
    sim.admin.setRateLimits({ enabled: false });
  });

  const trailStatus = async () =>
    (await clientsAs(sim, PAYMENTS_PROD)).cloudtrail.send(
      new GetTrailStatusCommand({ Name: 'payments-prod-trail' }),
    );

  it('GET /__admin/world returns the normalized world', async () => {
    const { status, body } = await adminFetch(sim, 'GET', '/world');
    expect(status).toBe(200);
    expect(body.organization.id).toBe('o-acme12345');
    expect(body.accounts).toHaveLength(12);
  });

  it('replaces the world with PUT /__admin/world (YAML) and restores it with POST /__admin/reset', async () => {
    const put = await adminFetch(
      sim,
      'PUT',
      '/world',
      "accounts:\n  - id: '123456789012'\n    trails: [{ name: only-trail }]\n",
    );
    expect(put.status).toBe(200);
    const { cloudtrail } = clients(sim);
    expect(
      (await cloudtrail.send(new DescribeTrailsCommand({}))).trailList!.map(
        t => t.Name,
      ),
    ).toEqual(['only-trail']);
    await adminFetch(sim, 'POST', '/reset');
    expect(
      (await cloudtrail.send(new DescribeTrailsCommand({}))).trailList!.map(
        t => t.Name,
      ),
    ).toEqual(['security-audit-trail', 'acme-org-trail']);
  });

  it('adds Security Hub findings with POST /__admin/security-hub/findings', async () => {
    const res = await adminFetch(sim, 'POST', '/security-hub/findings', {
      account: CHECKOUT_DEV,
      trail: 'checkout-dev-trail',
      status: 'FAILED',
      updatedAt: '-1m',
    });
    expect(res.status).toBe(201);
    const { Findings } = await clients(sim).securityhub.send(
      new GetFindingsCommand({
        Filters: {
          AwsAccountId: [{ Value: CHECKOUT_DEV, Comparison: 'EQUALS' }],
        },
      }),
    );
    expect(Findings!.map(f => f.Compliance!.Status)).toEqual([
      'FAILED',
      'PASSED',
    ]);
  });

  it('rejects bad input with 400 and the path of the bad field, and leaves the world unchanged', async () => {
    const bad = await adminFetch(sim, 'PATCH', TRAIL, {
      status: { latestDeliveryTime: 'soon' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error: 'ValidationError',
      path: 'body.status.latestDeliveryTime',
    });
    expect((await trailStatus()).IsLogging).toBe(true);
    const badWorld = await adminFetch(sim, 'PUT', '/world', {
      accounts: [
        {
          id: '123456789012',
          trails: [{ name: 'trail-1', homeRegion: 'nowhere-1' }],
        },
      ],
    });
    expect(badWorld.status).toBe(400);
    expect(badWorld.body.path).toBe('accounts[0].trails[0].homeRegion');
    expect((await adminFetch(sim, 'GET', '/world')).body.accounts).toHaveLength(
      12,
    );
    const yamlError = await adminFetch(sim, 'PUT', '/world', 'accounts: [');
    expect(yamlError.status).toBe(400);
  });

  it('answers 404 for unknown things, 405 for wrong methods, 409 for protected accounts', async () => {
    expect(
      (
        await adminFetch(
          sim,
          'PATCH',
          `/accounts/${PAYMENTS_PROD}/trails/none`,
          { isLogging: false },
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await adminFetch(sim, 'PATCH', '/accounts/999999999999/trails/none', {
          isLogging: false,
        })
      ).status,
    ).toBe(404);
    expect((await adminFetch(sim, 'GET', '/nothing-here')).status).toBe(404);
    expect((await adminFetch(sim, 'POST', '/world')).status).toBe(405);
    const mgmt = await adminFetch(sim, 'DELETE', `/accounts/${MGMT}`);
    expect(mgmt.status).toBe(409);
    expect(mgmt.body.message).toContain('management account');
  });

  it('counts calls by account and operation, and resets the counters', async () => {
    expect((await adminFetch(sim, 'DELETE', '/calls')).status).toBe(204);
    await trailStatus();
    await trailStatus();
    const { body } = await adminFetch(sim, 'GET', '/calls');
    expect(body.total).toBe(4);
    expect(body.byOperation).toEqual({
      'sts:AssumeRole': 2,
      'cloudtrail:GetTrailStatus': 2,
    });
    expect(body.byAccount).toEqual({ '402233445566': 2, [PAYMENTS_PROD]: 2 });
    expect(body.byAccountOperation[PAYMENTS_PROD]).toEqual({
      'cloudtrail:GetTrailStatus': 2,
    });
    await adminFetch(sim, 'DELETE', '/calls');
    expect((await adminFetch(sim, 'GET', '/calls')).body.total).toBe(0);
  });
});
