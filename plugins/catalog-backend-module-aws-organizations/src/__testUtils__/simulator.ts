import { SchedulerServiceTaskRunner } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { RunningSimulator, startSimulator } from '@internal/aws-simulator';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AwsOrganizationsEntityProvider } from '../AwsOrganizationsEntityProvider';

export const MGMT = '401122334455';

export const DEMO_WORLD = readFileSync(
  join(
    dirname(require.resolve('@internal/aws-simulator/package.json')),
    'worlds/demo.yaml',
  ),
  'utf8',
);

/** The simulator on a free port, rate limits off (tests are about the provider). */
export async function startWorld(
  world: string | object,
): Promise<RunningSimulator> {
  const sim = await startSimulator({ world, port: 0 });
  sim.admin.setRateLimits({ enabled: false });
  return sim;
}

/** A small organization: the management account plus the given members. */
export function organizationWorld(
  members: object[],
  extra: Record<string, unknown> = {},
): object {
  return {
    regions: ['us-east-1'],
    organization: { id: 'o-test123456', managementAccount: MGMT },
    callerAccount: '402233445566',
    accounts: [
      {
        id: MGMT,
        name: 'management',
        tags: { owner: 'platform-team' },
      },
      {
        id: '402233445566',
        name: 'security-tooling',
        tags: { owner: 'security-team' },
      },
      ...members,
    ],
    ...extra,
  };
}

/**
 * The standard `aws` config the demo uses: placeholder main-account keys (the
 * simulator's caller account), the reader role assumed in the management account.
 */
export function appConfig(
  sim: RunningSimulator,
  provider: Record<string, unknown> = {},
  rest: Record<string, unknown> = {},
) {
  return {
    aws: {
      mainAccount: {
        accessKeyId: 'AKIATESTMAINACCOUNT1',
        secretAccessKey: 'test-placeholder-not-a-secret',
      },
      accountDefaults: { roleName: 'CisAwsReader' },
    },
    catalog: {
      providers: {
        awsOrganizations: {
          managementAccountId: MGMT,
          endpoint: sim.url,
          ...provider,
        },
      },
    },
    ...rest,
  };
}

/** Records what the provider applies; the catalog's side of the connection. */
export class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];

  async applyMutation(mutation: EntityProviderMutation): Promise<void> {
    this.mutations.push(mutation);
  }

  async refresh(): Promise<void> {}

  /** The entities of the last full mutation, by name. */
  entities(): Map<string, Entity> {
    const last = this.mutations[this.mutations.length - 1];
    if (!last || last.type !== 'full') throw new Error('no full mutation yet');
    return new Map(last.entities.map(d => [d.entity.metadata.name, d.entity]));
  }
}

/** A connected provider over the simulator; without a task runner it only refreshes when told. */
export async function connectedProvider(
  config: object,
  options: { schedule?: SchedulerServiceTaskRunner } = {},
) {
  const logger = mockServices.logger.mock();
  logger.child.mockReturnValue(logger);
  const provider = AwsOrganizationsEntityProvider.fromConfig(
    new ConfigReader(config),
    { logger, schedule: options.schedule },
  );
  if (!provider) throw new Error('the provider is not configured');
  const connection = new RecordingConnection();
  await provider.connect(connection);
  return { provider, connection, logger };
}
