import {
  GetTrailStatusCommand,
  ListTrailsCommand,
} from '@aws-sdk/client-cloudtrail';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
} from '@aws-sdk/client-sts';
import { issueCredentials } from '../identity/credentials';
import { RunningSimulator } from '../index';
import {
  DEMO_WORLD,
  assume,
  clients,
  errorOf,
  start,
  startDemo,
} from '../__testUtils__/harness';

// Over HTTP to a real server: a ceiling for loaded CI machines (load 5–9 on two
// cores), not a timing target; the tests wait on answers, never on clocks.
jest.setTimeout(60_000);

const PAYMENTS_PROD = '403344556677';
const LEGACY_BILLING = '411122334455';
const STOREFRONT_PROD = '405566778899';

describe('STS and caller identity (demo world)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startDemo();
  });
  afterAll(() => sim.close());

  it('treats any non-issued access key as the world callerAccount', async () => {
    const { sts } = clients(sim);
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe('402233445566');
    expect(me.Arn).toBe('arn:aws:iam::402233445566:user/aws-simulator');
  });

  it('AssumeRole issues ASIA keys that encode the account, and the SDK then acts as that account', async () => {
    const { sts } = clients(sim);
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${PAYMENTS_PROD}:role/CisAwsReader`,
        RoleSessionName: 'portal',
        ExternalId: 'ext-1',
        DurationSeconds: 900,
      }),
    );
    expect(out.Credentials!.AccessKeyId).toMatch(
      new RegExp(`^ASIA${PAYMENTS_PROD}[A-Z0-9]{4}$`),
    );
    expect(out.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(
      890_000,
    );
    expect(
      out.Credentials!.Expiration!.getTime() - Date.now(),
    ).toBeLessThanOrEqual(900_000);
    expect(out.AssumedRoleUser!.Arn).toBe(
      `arn:aws:sts::${PAYMENTS_PROD}:assumed-role/CisAwsReader/portal`,
    );
    const c = out.Credentials!;
    const as = clients(sim, {
      credentials: {
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken!,
      },
    });
    const me = await as.sts.send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe(PAYMENTS_PROD);
    expect(me.Arn).toBe(
      `arn:aws:sts::${PAYMENTS_PROD}:assumed-role/CisAwsReader/portal`,
    );
    const trails = await as.cloudtrail.send(new ListTrailsCommand({}));
    expect(trails.Trails!.map(t => t.Name)).toContain('payments-prod-trail');
  });

  it('issued keys are stateless: they work without the session token and across simulator restarts', async () => {
    const creds = await assume(sim, PAYMENTS_PROD);
    const other = await start(DEMO_WORLD);
    try {
      const { sts } = clients(other, {
        credentials: {
          accessKeyId: creds.accessKeyId,
          secretAccessKey: 'whatever',
        },
      });
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(
        PAYMENTS_PROD,
      );
    } finally {
      await other.close();
    }
  });

  it('AssumeRole is AccessDenied (403) where the world says the reader role cannot be assumed', async () => {
    const { sts } = clients(sim);
    const error = await errorOf(() =>
      sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${LEGACY_BILLING}:role/CisAwsReader`,
          RoleSessionName: 'portal',
        }),
      ),
    );
    expect(error.name).toBe('AccessDenied');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.message).toContain(
      'is not authorized to perform: sts:AssumeRole',
    );
  });

  it('AssumeRole is AccessDenied for a role other than the reader role, or an account not in the world', async () => {
    const { sts } = clients(sim);
    for (const arn of [
      `arn:aws:iam::${PAYMENTS_PROD}:role/Admin`,
      'arn:aws:iam::999999999999:role/CisAwsReader',
    ]) {
      const error = await errorOf(() =>
        sts.send(
          new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'portal' }),
        ),
      );
      expect(error.name).toBe('AccessDenied');
    }
  });

  it('AssumeRole rejects a malformed role ARN or a session longer than the role allows', async () => {
    const { sts } = clients(sim);
    const bad = await errorOf(() =>
      sts.send(
        new AssumeRoleCommand({
          RoleArn: 'not-an-arn-at-all-xx',
          RoleSessionName: 'portal',
        }),
      ),
    );
    expect(bad.name).toBe('ValidationError');
    const long = await errorOf(() =>
      sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${PAYMENTS_PROD}:role/CisAwsReader`,
          RoleSessionName: 'portal',
          DurationSeconds: 7200,
        }),
      ),
    );
    expect(long.name).toBe('ValidationError');
    expect(long.message).toContain('MaxSessionDuration');
  });

  it('answers an opt-in region the account did not enable as AWS does: UnrecognizedClientException (JSON) / InvalidClientTokenId (query)', async () => {
    const creds = await assume(sim, PAYMENTS_PROD);
    const hk = clients(sim, { region: 'ap-east-1', credentials: creds });
    const json = await errorOf(() =>
      hk.logs.send(new DescribeLogGroupsCommand({})),
    );
    expect(json.name).toBe('UnrecognizedClientException');
    expect(json.message).toBe(
      'The security token included in the request is invalid.',
    );
    expect(json.$metadata?.httpStatusCode).toBe(400);
    const query = await errorOf(() =>
      hk.sts.send(new GetCallerIdentityCommand({})),
    );
    expect(query.name).toBe('InvalidClientTokenId');
    expect(query.$metadata?.httpStatusCode).toBe(403);
  });

  it('serves the opt-in region to the account that enabled it', async () => {
    const creds = await assume(sim, STOREFRONT_PROD);
    const hk = clients(sim, { region: 'ap-east-1', credentials: creds });
    const { logGroups } = await hk.logs.send(new DescribeLogGroupsCommand({}));
    expect(logGroups).toEqual([]);
    const trails = await hk.cloudtrail.send(new ListTrailsCommand({}));
    expect(trails.Trails!.map(t => t.Name)).toEqual([
      'storefront-trail',
      'acme-org-trail',
    ]);
  });

  it('rejects expired session credentials with ExpiredTokenException', async () => {
    const expired = issueCredentials(
      PAYMENTS_PROD,
      'CisAwsReader',
      'old',
      new Date(Date.now() - 1000),
    );
    const { cloudtrail } = clients(sim, {
      credentials: {
        accessKeyId: expired.AccessKeyId,
        secretAccessKey: expired.SecretAccessKey,
        sessionToken: expired.SessionToken,
      },
    });
    const error = await errorOf(() =>
      cloudtrail.send(
        new GetTrailStatusCommand({ Name: 'payments-prod-trail' }),
      ),
    );
    expect(error.name).toBe('ExpiredTokenException');
  });

  it('rejects an issued key for an account that is not in the world', async () => {
    const { sts } = clients(sim, {
      credentials: {
        accessKeyId: 'ASIA999999999999ABCD',
        secretAccessKey: 'x',
      },
    });
    const error = await errorOf(() =>
      sts.send(new GetCallerIdentityCommand({})),
    );
    expect(error.name).toBe('InvalidClientTokenId');
  });

  it('rejects unsigned requests with MissingAuthenticationToken', async () => {
    const res = await fetch(`${sim.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toContain('<Code>MissingAuthenticationToken</Code>');
    expect(text).toContain('<ErrorResponse');
  });
});
