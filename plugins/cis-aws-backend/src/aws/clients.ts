import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  AwsCredentialIdentityProvider,
  MetadataBearer,
  MiddlewareStack,
} from '@aws-sdk/types';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Config } from '@backstage/config';
import {
  AccountCredentials,
  createAccountCredentials,
  StsCall,
} from '@cis-aws/plugin-cis-aws-node';

/**
 * Counts AWS calls (every HTTP attempt, retries included) by operation, and failed attempts by
 * service and error code.
 */
export class CallCounter {
  private readonly counts = new Map<string, number>();
  private readonly failures = new Map<string, number>();

  count(operation: string) {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
  }

  /** A failed attempt: `service:ErrorCode`. */
  countError(serviceAndCode: string) {
    this.failures.set(
      serviceAndCode,
      (this.failures.get(serviceAndCode) ?? 0) + 1,
    );
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort());
  }

  errorsJSON(): Record<string, number> {
    return Object.fromEntries([...this.failures.entries()].sort());
  }

  total(): number {
    let sum = 0;
    for (const value of this.counts.values()) sum += value;
    return sum;
  }
}

export interface AwsClientOptions {
  /** An AWS-compatible endpoint for every client; undefined: the SDK decides (AWS_ENDPOINT_URL or AWS). */
  endpoint?: string;
  /** Region of the global services (IAM, Organizations). */
  defaultRegion: string;
  /** Attempts per call, retries on throttling and 5xx included. */
  maxAttempts: number;
  /** Per-attempt time limit. */
  requestTimeoutMs: number;
}

/**
 * Settings every client would otherwise look up in the environment and the
 * shared config files on its first call, once per client: with four clients
 * per account and thousands of accounts, that was a tenth of the engine's
 * CPU. The values are the SDK's defaults (FIPS and dual-stack endpoints still
 * follow their standard environment variables), plus an app id that makes
 * this product's calls recognisable in CloudTrail.
 */
export const STATIC_CLIENT_SETTINGS = {
  useFipsEndpoint: process.env.AWS_USE_FIPS_ENDPOINT === 'true',
  useDualstackEndpoint: process.env.AWS_USE_DUALSTACK_ENDPOINT === 'true',
  defaultsMode: 'legacy' as const,
  requestChecksumCalculation: 'WHEN_REQUIRED' as const,
  responseChecksumValidation: 'WHEN_REQUIRED' as const,
  disableRequestCompression: true,
  userAgentAppId: 'backstage-cis-aws',
  // SigV4 is the only scheme these services offer; the standard variable still chooses.
  authSchemePreference: (process.env.AWS_AUTH_SCHEME_PREFERENCE ?? '')
    .split(',')
    .map(scheme => scheme.trim())
    .filter(Boolean),
};

/**
 * The identity property that carries the counter of the call that needs an account's
 * credentials. The role of an account is assumed by a shared credentials provider, lazily,
 * inside whichever call first needs it: its STS calls are counted into the counter of that call
 * (the run or request that caused them). The counter travels with the call's own arguments,
 * not in async-local storage, which would turn on Node's promise hooks for every promise of the
 * process.
 */
const COUNTER_PROPERTY = 'cisAwsCallCounter';

/** Where STS calls of the shared credentials provider are counted. */
function countStsCall(call: StsCall) {
  const counter = call.identityProperties?.[COUNTER_PROPERTY];
  if (!(counter instanceof CallCounter)) return;
  counter.count(`sts:${call.operation}`);
  if (call.errorCode) counter.countError(`sts:${call.errorCode}`);
}

/** The SDK clients of one account, created once per service and region. */
export interface AccountClients {
  readonly accountId: string;
  /** Assumes the account's role now, so a refusal is reported as such. */
  resolveCredentials(): Promise<void>;
  cloudTrail(region: string): CloudTrailClient;
  logs(region: string): CloudWatchLogsClient;
  iam(): IAMClient;
  organizations(): OrganizationsClient;
  securityHub(region: string): SecurityHubClient;
  /** CloudWatch alarms (detection content). */
  cloudWatch(region: string): CloudWatchClient;
  /** SNS topics' subscriptions (detection content). */
  sns(region: string): SNSClient;
}

/**
 * Makes the AWS SDK v3 clients the collector uses: one connection pool for
 * all of them, standard retries with backoff (throttling included), a time
 * limit per attempt, and a middleware that counts every attempt.
 */
export class AwsClientFactory {
  private readonly requestHandler: NodeHttpHandler;

  private constructor(
    private readonly credentials: AccountCredentials,
    private readonly options: AwsClientOptions,
    private readonly counter: CallCounter,
  ) {
    const agentOptions = { keepAlive: true, maxSockets: 256 };
    this.requestHandler = new NodeHttpHandler({
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      connectionTimeout: Math.min(options.requestTimeoutMs, 5000),
      requestTimeout: options.requestTimeoutMs,
    });
  }

  static create(options: {
    credentials: AccountCredentials;
    clientOptions: AwsClientOptions;
    counter?: CallCounter;
  }) {
    return new AwsClientFactory(
      options.credentials,
      options.clientOptions,
      options.counter ?? new CallCounter(),
    );
  }

  /** The factory the plugin's settings ask for, with the standard `aws.*` credentials. */
  static fromConfig(config: Config, options: AwsClientOptions) {
    return AwsClientFactory.create({
      credentials: createAccountCredentials({
        config,
        endpoint: options.endpoint,
        roleSessionName: 'backstage-cis-aws',
        onStsCall: countStsCall,
      }),
      clientOptions: {
        endpoint: options.endpoint,
        defaultRegion: options.defaultRegion,
        maxAttempts: options.maxAttempts,
        requestTimeoutMs: options.requestTimeoutMs,
      },
    });
  }

  get defaultRegion() {
    return this.options.defaultRegion;
  }

  /** A factory that counts into another counter (one per run), sharing the rest. */
  withCounter(counter: CallCounter): AwsClientFactory {
    return new AwsClientFactory(this.credentials, this.options, counter);
  }

  async forAccount(accountId: string): Promise<AccountClients> {
    const shared = await this.credentials.forAccount(accountId);
    const counter = this.counter;
    // The account's shared provider, told whose calls need the credentials (see COUNTER_PROPERTY).
    const credentials: AwsCredentialIdentityProvider = identityProperties =>
      shared({ ...identityProperties, [COUNTER_PROPERTY]: counter });
    const { endpoint, maxAttempts, defaultRegion } = this.options;
    const config = (region: string) => ({
      region,
      ...(endpoint ? { endpoint } : {}),
      credentials,
      maxAttempts,
      retryMode: 'standard',
      requestHandler: this.requestHandler,
      ...STATIC_CLIENT_SETTINGS,
    });
    const cache = new Map<string, unknown>();
    const cached = <T>(key: string, create: () => T): T => {
      if (!cache.has(key)) cache.set(key, create());
      return cache.get(key) as T;
    };
    return {
      accountId,
      resolveCredentials: async () => {
        await credentials();
      },
      cloudTrail: region =>
        cached(`cloudtrail/${region}`, () =>
          this.counted('cloudtrail', new CloudTrailClient(config(region))),
        ),
      logs: region =>
        cached(`logs/${region}`, () =>
          this.counted('logs', new CloudWatchLogsClient(config(region))),
        ),
      iam: () =>
        cached('iam', () =>
          this.counted('iam', new IAMClient(config(defaultRegion))),
        ),
      organizations: () =>
        cached('organizations', () =>
          this.counted(
            'organizations',
            new OrganizationsClient(config(defaultRegion)),
          ),
        ),
      securityHub: region =>
        cached(`securityhub/${region}`, () =>
          this.counted('securityhub', new SecurityHubClient(config(region))),
        ),
      cloudWatch: region =>
        cached(`cloudwatch/${region}`, () =>
          this.counted('cloudwatch', new CloudWatchClient(config(region))),
        ),
      sns: region =>
        cached(`sns/${region}`, () =>
          this.counted('sns', new SNSClient(config(region))),
        ),
    };
  }

  private counted<
    Input extends object,
    Output extends MetadataBearer,
    Client extends { middlewareStack: MiddlewareStack<Input, Output> },
  >(service: string, client: Client): Client {
    client.middlewareStack.add(
      (next, context) => async args => {
        const operation = String(context.commandName ?? 'Unknown').replace(
          /Command$/,
          '',
        );
        this.counter.count(`${service}:${operation}`);
        try {
          return await next(args);
        } catch (error) {
          const e = error as { name?: string; Code?: string };
          this.counter.countError(`${service}:${e.Code ?? e.name ?? 'Error'}`);
          throw error;
        }
      },
      // deserialize runs inside the retry loop: every attempt is counted
      // high: outside the deserializer, so that it sees the error each failed attempt throws
      { step: 'deserialize', name: 'cisAwsCallCounter', priority: 'high' },
    );
    return client;
  }
}
