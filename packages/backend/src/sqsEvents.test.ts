import { spawn, ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AwsSqsConsumingEventPublisher } from '@backstage/plugin-events-backend-module-aws-sqs';

/**
 * Two replicas of the demo backend each run the SQS module's consumer (the real
 * AwsSqsConsumingEventPublisher, as `backend.add(import('@backstage/plugin-events-backend-module-aws-sqs'))`
 * runs it) against one queue of the simulator: every CloudTrail event is published exactly once
 * across the two, never by both (docs/events.md, "Across replicas").
 */

// Integration test (a simulator process, two pollers): a ceiling for loaded machines.
jest.setTimeout(120_000);

const ROOT = join(__dirname, '../../..');
const TOPIC = 'cisAwsCloudTrail';
const EVENTS = 100;

function startSimulator(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'packages/aws-simulator/bin/aws-simulator'),
      '--world',
      join(ROOT, 'packages/aws-simulator/worlds/demo.yaml'),
      '--port',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', chunk => {
      out += String(chunk);
      const url = /listening on (http:\/\/[^\s]+)/.exec(out)?.[1];
      if (url) resolve({ url, child });
    });
    child.once('exit', code =>
      reject(new Error(`the simulator exited (${code}) before listening`)),
    );
  });
}

/** A scheduler that runs each task's function over and over until stopped. */
function loopingScheduler() {
  let stopped = false;
  const loops: Promise<void>[] = [];
  return {
    scheduler: {
      scheduleTask: async (task: { fn: () => Promise<void> }) => {
        loops.push(
          (async () => {
            while (!stopped) await task.fn();
          })(),
        );
      },
    },
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

describe('CloudTrail events from SQS, on two replicas', () => {
  let sim: { url: string; child: ChildProcess };
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    sim = await startSimulator();
    // The module's SQS client takes the SDK's default credentials: the simulator's placeholders.
    process.env.AWS_ACCESS_KEY_ID = 'AKIASIMULATORDEMO001';
    process.env.AWS_SECRET_ACCESS_KEY = 'simulator-placeholder';
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  });
  afterAll(() => {
    process.env = savedEnv;
    sim?.child.kill();
  });

  it('publishes each event once, whichever replica receives it', async () => {
    const config = new ConfigReader({
      events: {
        modules: {
          awsSqs: {
            awsSqsConsumingEventPublisher: {
              topics: {
                [TOPIC]: {
                  queue: {
                    url: `${sim.url}/402233445566/cis-aws-cloudtrail`,
                    region: 'us-east-1',
                    endpoint: sim.url,
                    waitTime: { seconds: 1 },
                    visibilityTimeout: { minutes: 5 },
                  },
                  waitTimeAfterEmptyReceive: { milliseconds: 100 },
                },
              },
            },
          },
        },
      },
    });
    const published: { replica: string; id: string }[] = [];
    const loops = ['replica-a', 'replica-b'].map(replica => {
      const looping = loopingScheduler();
      const publishers = AwsSqsConsumingEventPublisher.fromConfig({
        config,
        logger: mockServices.logger.mock(),
        scheduler: looping.scheduler as never,
        events: {
          publish: async (params: { topic: string; eventPayload: unknown }) => {
            expect(params.topic).toBe(TOPIC);
            const payload = params.eventPayload as {
              detail: { eventID: string };
            };
            published.push({ replica, id: payload.detail.eventID });
          },
          subscribe: async () => {},
        },
      });
      return { publishers, stop: looping.stop };
    });
    for (const { publishers } of loops) {
      await Promise.all(publishers.map(p => p.start()));
    }

    const events = Array.from({ length: EVENTS }, (_, i) => ({
      version: '0',
      id: `eb-${i}`,
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.cloudtrail',
      account: '403344556677',
      detail: {
        eventName: 'StopLogging',
        eventID: `event-${i}`,
        recipientAccountId: '403344556677',
      },
    }));
    const queued = await fetch(`${sim.url}/__admin/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(queued.status).toBe(202);

    // Until every message is deleted from the queue (published, then deleted by the module).
    const deadline = Date.now() + 90_000;
    for (;;) {
      const queue = (await (
        await fetch(`${sim.url}/__admin/queues/cis-aws-cloudtrail`)
      ).json()) as { visible: number; inFlight: number; deleted: number };
      if (queue.deleted >= EVENTS && queue.visible + queue.inFlight === 0)
        break;
      if (Date.now() > deadline) {
        throw new Error(`queue not drained: ${JSON.stringify(queue)}`);
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    await Promise.all(loops.map(l => l.stop()));

    expect(published).toHaveLength(EVENTS);
    expect(new Set(published.map(p => p.id)).size).toBe(EVENTS);
    // How the work was shared (not asserted: SQS does not promise a split).
    const byReplica = published.reduce<Record<string, number>>((acc, p) => {
      acc[p.replica] = (acc[p.replica] ?? 0) + 1;
      return acc;
    }, {});
    process.stdout.write(
      `[sqsEvents] ${EVENTS} events published once each: ${JSON.stringify(
        byReplica,
      )}\n`,
    );
  });
});
