import { GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { RunningSimulator } from '../index';
import {
  adminFetch,
  clients,
  clientsAs,
  startDemo,
} from '../__testUtils__/harness';
import { DEFAULT_RATE_LIMITS } from '../world/schema';
import { RateLimiter } from './rateLimits';

const PAYMENTS_PROD = '403344556677';

async function burst(n: number, call: () => Promise<unknown>) {
  const results = await Promise.allSettled(Array.from({ length: n }, call));
  const errors = results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map(r => (r.reason as Error).name);
  return { ok: results.length - errors.length, errors };
}

/**
 * Keeps a service's burst but refills it so slowly that no token comes back during a test: the
 * burst tests then count exactly, however slowly a loaded machine sends the calls.
 */
const withoutRefill = (service: 'cloudtrail' | 'securityhub' | 'iam') => ({
  services: {
    [service]: {
      ...DEFAULT_RATE_LIMITS.services[service],
      ratePerSecond: 0.001,
    },
  },
});

// Over HTTP to a real server: a ceiling for loaded CI machines, not a timing target.
jest.setTimeout(60_000);

describe('rate limits (on by default)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startDemo({ rateLimits: true });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.admin.setRateLimits(DEFAULT_RATE_LIMITS));

  it('throttles a burst of 30 parallel GetTrailStatus in one account and region with ThrottlingException', async () => {
    sim.admin.setRateLimits(withoutRefill('cloudtrail'));
    const { cloudtrail } = await clientsAs(sim, PAYMENTS_PROD);
    const { ok, errors } = await burst(30, () =>
      cloudtrail.send(
        new GetTrailStatusCommand({ Name: 'payments-prod-trail' }),
      ),
    );
    expect(ok).toBe(DEFAULT_RATE_LIMITS.services.cloudtrail.burst);
    expect(errors).toHaveLength(30 - ok);
    expect(new Set(errors)).toEqual(new Set(['ThrottlingException']));
  });

  it('keeps a separate CloudTrail bucket per region', async () => {
    const west = await clientsAs(sim, PAYMENTS_PROD, 'us-west-2');
    const { ok } = await burst(10, () =>
      west.cloudtrail.send(
        new GetTrailStatusCommand({
          Name: 'arn:aws:cloudtrail:us-east-1:403344556677:trail/payments-prod-trail',
        }),
      ),
    );
    expect(ok).toBe(10);
  });

  it('throttles Security Hub GetFindings per caller account at ~3 req/s with TooManyRequestsException', async () => {
    sim.admin.setRateLimits(withoutRefill('securityhub'));
    const { securityhub } = clients(sim);
    const { ok, errors } = await burst(8, () =>
      securityhub.send(new GetFindingsCommand({ MaxResults: 1 })),
    );
    expect(ok).toBe(DEFAULT_RATE_LIMITS.services.securityhub.burst);
    expect(errors).toHaveLength(8 - ok);
    expect(new Set(errors)).toEqual(new Set(['TooManyRequestsException']));
  });

  it('throttles IAM per account with the query error Throttling', async () => {
    sim.admin.setRateLimits(withoutRefill('iam'));
    const { iam } = clients(sim);
    const { ok, errors } = await burst(40, () =>
      iam.send(
        new GetRoleCommand({ RoleName: 'CloudTrail_CloudWatchLogs_Role' }),
      ),
    );
    expect(ok).toBe(DEFAULT_RATE_LIMITS.services.iam.burst);
    expect(errors).toHaveLength(40 - ok);
    expect(new Set(errors)).toEqual(new Set(['Throttling']));
  });

  it('is reconfigured with PUT /__admin/rate-limits', async () => {
    const { cloudtrail } = await clientsAs(sim, PAYMENTS_PROD);
    const call = () =>
      cloudtrail.send(
        new GetTrailStatusCommand({ Name: 'payments-prod-trail' }),
      );
    const off = await adminFetch(sim, 'PUT', '/rate-limits', {
      enabled: false,
    });
    expect(off.status).toBe(200);
    expect((await burst(40, call)).ok).toBe(40);
    const tight = await adminFetch(sim, 'PUT', '/rate-limits', {
      enabled: true,
      services: { cloudtrail: { ratePerSecond: 0.01, burst: 2 } },
    });
    expect(tight.body.services.cloudtrail).toEqual({
      ratePerSecond: 0.01,
      burst: 2,
      scope: 'account-region',
    });
    expect((await burst(5, call)).ok).toBe(2);
    const bad = await adminFetch(sim, 'PUT', '/rate-limits', {
      services: { cloudtrail: { scope: 'planet' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.path).toBe('body.services.cloudtrail.scope');
    expect(
      (await adminFetch(sim, 'GET', '/rate-limits')).body.services.cloudtrail
        .burst,
    ).toBe(2);
  });
});

describe('RateLimiter', () => {
  it('refills tokens continuously up to the burst', () => {
    const config = structuredClone(DEFAULT_RATE_LIMITS);
    config.services.cloudtrail = {
      ratePerSecond: 10,
      burst: 10,
      scope: 'account-region',
    };
    const limiter = new RateLimiter(() => config);
    const take = (t: number, region = 'us-east-1') =>
      limiter.take('cloudtrail', '1', region, t);
    expect(
      Array.from({ length: 12 }, () => take(0)).filter(Boolean),
    ).toHaveLength(10);
    expect(take(50)).toBe(false);
    expect(take(100)).toBe(true);
    expect(take(100)).toBe(false);
    expect(take(0, 'eu-west-1')).toBe(true);
    expect(
      Array.from({ length: 20 }, () => take(60_000)).filter(Boolean),
    ).toHaveLength(10);
  });
});
