import {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError, toError } from '@backstage/errors';
import {
  AccountExceptionsResponse,
  AccountSummary,
  cisAwsExceptionManagePermission,
  ComplianceException,
  exceptionStatus,
  ExceptionListItem,
  ExceptionsListResponse,
} from '@cis-aws/plugin-cis-aws-common';
import { CatalogAccounts } from '../catalog/accountMapping';
import { EvaluationEngine } from '../engine/EvaluationEngine';
import {
  EvaluationStore,
  ExceptionStore,
  listAllAccounts,
  StoredAccountDetail,
} from '../storage/EvaluationStore';
import { CatalogAccess } from './CatalogAccess';
import { requirePermission } from './permissions';
import { principalName } from './principal';

/** What a request to grant an exception carries (validated for shape by the router). */
export interface ExceptionGrant {
  trailArn?: string;
  reason: string;
  /** Default: the caller. */
  approvedBy?: string;
  expiresAt: Date;
  ticketUrl?: string;
}

/**
 * Exceptions to control 2.4: anyone who may read an account sees its exceptions and their audit
 * trail; granting and revoking need `cis-aws.exception.manage`. After either, the account is
 * evaluated again at once, so it shows EXEMPT (or stops) without waiting for the next run.
 */
export interface ExceptionService {
  /** 404 when the account is unknown or unreadable. */
  listAccountExceptions(
    accountId: string,
    options: { credentials: BackstageCredentials },
  ): Promise<AccountExceptionsResponse>;

  /** The exceptions of every account the caller may read; `ACTIVE`: only those in force now. */
  listExceptions(
    status: 'ACTIVE' | 'ALL',
    options: { credentials: BackstageCredentials },
  ): Promise<ExceptionsListResponse>;

  /**
   * 404 unknown or unreadable account; 403 without the permission; 400 when it would not expire
   * in the future, would last longer than allowed, or names a trail the account does not have.
   */
  grant(
    accountId: string,
    grant: ExceptionGrant,
    options: { credentials: BackstageCredentials },
  ): Promise<ExceptionListItem>;

  /** 404 unknown exception (or of an unreadable account); 403; 409 when already revoked. */
  revoke(
    exceptionId: string,
    input: { reason?: string },
    options: { credentials: BackstageCredentials },
  ): Promise<ExceptionListItem>;
}

type AccountCatalogDetails = Pick<
  AccountSummary,
  'entityRef' | 'title' | 'ownerRef'
>;

/** What {@link DefaultExceptionService} is made of. */
export interface ExceptionServiceDeps {
  store: Pick<EvaluationStore, 'getAccount' | 'listAccounts'>;
  exceptions: ExceptionStore;
  engine: Pick<EvaluationEngine, 'readCatalog' | 'evaluateOne'>;
  access: CatalogAccess;
  permissions: PermissionsService;
  logger: LoggerService;
  /** The longest an exception may last (cisAws.exceptions.maxDuration). */
  maxDurationMs: number;
  /** The clock of exception validity; tests pin it. */
  now?: () => Date;
}

export class DefaultExceptionService implements ExceptionService {
  static create(deps: ExceptionServiceDeps): ExceptionService {
    return new DefaultExceptionService({
      ...deps,
      now: deps.now ?? (() => new Date()),
    });
  }

  private constructor(
    private readonly deps: ExceptionServiceDeps & { now: () => Date },
  ) {}

  async listAccountExceptions(
    accountId: string,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<AccountExceptionsResponse> {
    const { stored } = await this.readableAccount(accountId, credentials);
    const [items, events] = await Promise.all([
      this.deps.exceptions.listExceptions({ accountIds: [accountId] }),
      this.deps.exceptions.listExceptionEvents(accountId),
    ]);
    return {
      accountId,
      items: items.map(e => this.listItem(e, stored)),
      events,
    };
  }

  async listExceptions(
    status: 'ACTIVE' | 'ALL',
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<ExceptionsListResponse> {
    const readableEntityRefs = await this.deps.access.readableAccountEntityRefs(
      credentials,
    );
    const accounts = new Map(
      (await listAllAccounts(this.deps.store, { readableEntityRefs })).map(
        account => [account.accountId, account],
      ),
    );
    const found = await this.deps.exceptions.listExceptions({
      accountIds: [...accounts.keys()],
      ...(status === 'ALL' ? {} : { activeAt: this.deps.now() }),
    });
    return {
      items: found.map(e => this.listItem(e, accounts.get(e.accountId))),
    };
  }

  async grant(
    accountId: string,
    grant: ExceptionGrant,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<ExceptionListItem> {
    const { stored, catalog } = await this.readableAccount(
      accountId,
      credentials,
    );
    await this.authorize(credentials);
    const createdAt = this.deps.now();
    this.checkExpiry(grant.expiresAt, createdAt);
    if (
      grant.trailArn &&
      stored &&
      !stored.evaluation.trails.some(t => t.trailArn === grant.trailArn)
    ) {
      throw new InputError(
        `AWS account ${accountId} has no trail ${grant.trailArn} in its latest evaluation`,
      );
    }
    const actor = principalName(credentials);
    const exception = await this.deps.exceptions.createException({
      accountId,
      trailArn: grant.trailArn,
      reason: grant.reason,
      approvedBy: grant.approvedBy ?? actor,
      expiresAt: grant.expiresAt.toISOString(),
      ticketUrl: grant.ticketUrl,
      createdBy: actor,
      createdAt: createdAt.toISOString(),
    });
    this.deps.logger.child({ accountId }).info('exception granted', {
      actor,
      exceptionId: exception.id,
      trailArn: exception.trailArn,
      expiresAt: exception.expiresAt,
    });
    const reevaluated = await this.reevaluate(accountId, catalog);
    return this.listItem(exception, reevaluated ?? stored);
  }

  async revoke(
    exceptionId: string,
    input: { reason?: string },
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<ExceptionListItem> {
    const existing = await this.deps.exceptions.getException(exceptionId);
    if (!existing) throw new NotFoundError(`No exception ${exceptionId}`);
    const { stored, catalog } = await this.readableAccount(
      existing.accountId,
      credentials,
    ).catch(error => {
      // Whose exception it is does not leak either.
      if (toError(error).name === 'NotFoundError') {
        throw new NotFoundError(`No exception ${exceptionId}`);
      }
      throw error;
    });
    await this.authorize(credentials);
    const actor = principalName(credentials);
    // A ConflictError (409) when it is already revoked.
    const revoked = await this.deps.exceptions.revokeException(existing.id, {
      actor,
      at: this.deps.now().toISOString(),
      reason: input.reason,
    });
    if (!revoked) throw new NotFoundError(`No exception ${existing.id}`);
    this.deps.logger
      .child({ accountId: revoked.accountId })
      .info('exception revoked', { actor, exceptionId: revoked.id });
    const reevaluated = await this.reevaluate(revoked.accountId, catalog);
    return this.listItem(revoked, reevaluated ?? stored);
  }

  private checkExpiry(expiresAt: Date, createdAt: Date) {
    if (expiresAt.getTime() <= createdAt.getTime()) {
      throw new InputError('expiresAt must be in the future');
    }
    if (expiresAt.getTime() - createdAt.getTime() > this.deps.maxDurationMs) {
      const days = Math.floor(this.deps.maxDurationMs / 86_400_000);
      throw new InputError(
        `expiresAt is too far ahead: an exception lasts at most ${days} days (cisAws.exceptions.maxDuration)`,
      );
    }
  }

  /**
   * The account's stored result (read once per request) if the caller may read its entity;
   * else 404. An account not evaluated yet is found in the catalog, which is then handed on to
   * the re-evaluation so that it is read only once.
   */
  private async readableAccount(
    accountId: string,
    credentials: BackstageCredentials,
  ): Promise<{ stored?: StoredAccountDetail; catalog?: CatalogAccounts }> {
    const stored = await this.deps.store.getAccount(accountId);
    let entityRef = stored?.entityRef;
    let catalog: CatalogAccounts | undefined;
    if (!entityRef) {
      catalog = await this.deps.engine.readCatalog();
      entityRef = catalog.mappings.find(
        m => m.accountId === accountId,
      )?.entityRef;
    }
    await this.deps.access.requireReadable(entityRef, accountId, credentials);
    return { stored, catalog };
  }

  /** A new or revoked exception applies (or stops) at once; a failed evaluation is its own ERROR. */
  private async reevaluate(
    accountId: string,
    catalog: CatalogAccounts | undefined,
  ): Promise<AccountSummary | undefined> {
    try {
      const { outcome } = await this.deps.engine.evaluateOne(accountId, {
        catalog,
      });
      return outcome.summary;
    } catch (error) {
      this.deps.logger
        .child({ accountId })
        .warn('re-evaluating after an exception change failed', toError(error));
      return undefined;
    }
  }

  private authorize(credentials: BackstageCredentials) {
    return requirePermission(
      this.deps.permissions,
      credentials,
      cisAwsExceptionManagePermission,
      'grant or revoke exceptions',
    );
  }

  private listItem(
    exception: ComplianceException,
    account?: AccountCatalogDetails,
  ): ExceptionListItem {
    return {
      ...exception,
      status: exceptionStatus(exception, this.deps.now()),
      ...(account?.entityRef ? { entityRef: account.entityRef } : {}),
      ...(account?.title ? { title: account.title } : {}),
      ...(account?.ownerRef ? { ownerRef: account.ownerRef } : {}),
    };
  }
}
