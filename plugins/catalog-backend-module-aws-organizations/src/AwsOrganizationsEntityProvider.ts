import { toError } from '@backstage/errors';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { createAccountCredentials } from '@cis-aws/plugin-cis-aws-node';
import {
  accountEntities,
  isActiveAccount,
  organizationLocation,
} from './accountEntities';
import { AwsOrganizationsProviderConfig, readProviderConfig } from './config';
import {
  listAccounts,
  readOrganizationId,
  readTagsOf,
} from './organizationReader';

/** What one refresh put in the catalog. */
export interface AwsOrganizationsRefreshSummary {
  organizationId: string;
  /** Account ids emitted, sorted. */
  emitted: string[];
  /** Emitted without a usable owner tag. */
  unowned: string[];
  /** Suspended, pending closure or closed: listed by AWS, not emitted. */
  skipped: string[];
}

/**
 * A catalog entity provider for the accounts of one AWS Organization: every
 * account as a `kind: Resource`, `spec.type: cloud-account` entity annotated
 * `amazonaws.com/account-id`, with owner and system taken from the account's
 * tags — so that a new account appears in the catalog with its owner without
 * anyone writing YAML.
 *
 * Each refresh reads the whole organization (ListAccounts and every account's
 * tags, all pages) and replaces the provider's entities with a full mutation.
 * If any read fails, nothing is applied: a partial list would delete the
 * entities of the accounts it missed.
 */
export class AwsOrganizationsEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  private constructor(
    private readonly options: AwsOrganizationsProviderConfig,
    private readonly client: OrganizationsClient,
    private readonly logger: LoggerService,
    private readonly taskRunner?: SchedulerServiceTaskRunner,
  ) {}

  /**
   * The provider `catalog.providers.awsOrganizations` asks for, or undefined
   * when that key is absent. With a scheduler (or a task runner) it refreshes
   * on the configured schedule once connected; without, call
   * {@link AwsOrganizationsEntityProvider.refresh} yourself.
   */
  static fromConfig(
    config: Config,
    options: {
      logger: LoggerService;
      scheduler?: SchedulerService;
      schedule?: SchedulerServiceTaskRunner;
    },
  ): AwsOrganizationsEntityProvider | undefined {
    const settings = readProviderConfig(config);
    if (!settings) return undefined;
    // Without an endpoint @backstage/integration-aws-node does it all. With
    // one, the configured role is assumed through it; with no role for the
    // management account, its own aws.accounts[] entry (static keys, a
    // profile) is used, else the main account's credentials: the backend
    // then runs as the management account itself.
    const credentials = createAccountCredentials({
      config,
      endpoint: settings.endpoint,
      roleSessionName: 'backstage-aws-organizations',
      unconfiguredAccount: 'main-account',
    }).forAccount(settings.managementAccountId);
    // Keep a failed credentials lookup from being an unhandled rejection
    // before the first refresh; that refresh reports it.
    credentials.catch(() => undefined);
    const client = new OrganizationsClient({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      credentials: async () => (await credentials)(),
      maxAttempts: 5,
      userAgentAppId: 'backstage-aws-organizations',
    });
    const taskRunner =
      options.schedule ??
      options.scheduler?.createScheduledTaskRunner(settings.schedule);
    return new AwsOrganizationsEntityProvider(
      settings,
      client,
      options.logger.child({ provider: 'aws-organizations' }),
      taskRunner,
    );
  }

  getProviderName(): string {
    return 'AwsOrganizationsEntityProvider';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.taskRunner?.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async () => {
        try {
          await this.refresh();
        } catch (error) {
          this.logger.error(toError(error).message);
        }
      },
    });
  }

  /**
   * Reads the organization and replaces the provider's entities. Rejects,
   * applying nothing, when any read fails.
   */
  async refresh(): Promise<AwsOrganizationsRefreshSummary> {
    const connection = this.connection;
    if (!connection) {
      throw new Error(
        'AwsOrganizationsEntityProvider is not connected to the catalog yet',
      );
    }
    const { managementAccountId, includeSuspended } = this.options;
    let read;
    try {
      read = await this.read();
    } catch (error) {
      const e = toError(error);
      throw new Error(
        `Could not read the accounts of AWS Organizations as management account ${managementAccountId} ` +
          `(${e.name}: ${e.message}); the catalog keeps the accounts of the last complete read`,
      );
    }
    const { organizationId, accounts, skipped } = read;
    const result = accountEntities(accounts, {
      organizationId,
      namespace: this.options.namespace,
      ownerTag: this.options.tags.owner,
      systemTag: this.options.tags.system,
      unownedOwner: this.options.unownedOwner,
    });
    result.warnings.forEach(warning => this.logger.warn(warning));
    const locationKey = organizationLocation(organizationId);
    await connection.applyMutation({
      type: 'full',
      entities: result.entities.map(entity => ({ entity, locationKey })),
    });
    const leftOut = includeSuspended
      ? ''
      : `, ${skipped.length} suspended or closed left out`;
    this.logger.info(
      `AWS Organizations ${organizationId}: ${accounts.length} accounts in the catalog, ${result.unowned.length} without an owner${leftOut}`,
    );
    return {
      organizationId,
      emitted: accounts.map(a => a.id),
      unowned: result.unowned,
      skipped,
    };
  }

  private async read() {
    const organizationId = await readOrganizationId(this.client);
    const listed = (await listAccounts(this.client)).sort((a, b) =>
      a.id.localeCompare(b.id),
    );
    const kept = this.options.includeSuspended
      ? listed
      : listed.filter(isActiveAccount);
    const skipped = listed
      .filter(account => !kept.includes(account))
      .map(account => account.id);
    const accounts = await readTagsOf(this.client, kept);
    return { organizationId, accounts, skipped };
  }
}
