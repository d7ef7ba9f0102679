import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { RunningSimulator, startSimulator } from '../index';

/** Test support: start a simulator on a free port and build REAL SDK clients against it. */

// Test-only module: __dirname is fine here, it is never part of a production build.
// eslint-disable-next-line no-restricted-syntax
export const DEMO_WORLD = readFileSync(
  resolve(__dirname, '../../worlds/demo.yaml'),
  'utf8',
);

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Any key that is not one the simulator issued acts as the world's callerAccount. */
export const CALLER_CREDENTIALS: Credentials = {
  accessKeyId: 'AKIAEXAMPLECALLER001',
  secretAccessKey: 'not-a-secret',
};

export async function start(input: string | object): Promise<RunningSimulator> {
  return startSimulator({ world: input, port: 0 });
}

/** The demo world, with rate limits off unless a test is about them. */
export async function startDemo(
  options: { rateLimits?: boolean } = {},
): Promise<RunningSimulator> {
  const sim = await start(DEMO_WORLD);
  if (!options.rateLimits) sim.admin.setRateLimits({ enabled: false });
  return sim;
}

export interface ClientOptions {
  region?: string;
  credentials?: Credentials;
  maxAttempts?: number;
}

export function clients(sim: RunningSimulator, options: ClientOptions = {}) {
  const config = {
    endpoint: sim.url,
    region: options.region ?? 'us-east-1',
    credentials: options.credentials ?? CALLER_CREDENTIALS,
    maxAttempts: options.maxAttempts ?? 1,
  };
  return {
    sts: new STSClient(config),
    iam: new IAMClient(config),
    cloudtrail: new CloudTrailClient(config),
    logs: new CloudWatchLogsClient(config),
    securityhub: new SecurityHubClient(config),
    organizations: new OrganizationsClient(config),
  };
}

/** AssumeRole into `account`'s reader role and return its credentials. */
export async function assume(
  sim: RunningSimulator,
  account: string,
  roleName = 'CisAwsReader',
): Promise<Credentials> {
  const { sts } = clients(sim);
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/${roleName}`,
      RoleSessionName: 'cis-test',
    }),
  );
  const c = out.Credentials!;
  return {
    accessKeyId: c.AccessKeyId!,
    secretAccessKey: c.SecretAccessKey!,
    sessionToken: c.SessionToken!,
  };
}

/** Clients acting as `account` (after AssumeRole) in `region`. */
export async function clientsAs(
  sim: RunningSimulator,
  account: string,
  region = 'us-east-1',
  maxAttempts = 1,
) {
  return clients(sim, {
    region,
    credentials: await assume(sim, account),
    maxAttempts,
  });
}

/** Runs `fn` and returns the error it throws (fails the test if it does not throw). */
export async function errorOf(
  fn: () => Promise<unknown>,
): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await fn();
  } catch (e) {
    return e as Error & {
      name: string;
      $metadata?: { httpStatusCode?: number };
    };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export async function adminFetch(
  sim: RunningSimulator,
  method: string,
  path: string,
  body?: unknown,
) {
  let payload: string | undefined;
  if (body !== undefined)
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${sim.url}/__admin${path}`, {
    method,
    headers: {
      'content-type':
        typeof body === 'string' ? 'application/yaml' : 'application/json',
    },
    body: payload,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A small world for focused tests: every account gets a default name; rate limits off unless asked. */
export function world(
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  return {
    regions: ['us-east-1', 'us-west-2', 'eu-west-1'],
    rateLimits: { enabled: false },
    ...overrides,
  };
}
