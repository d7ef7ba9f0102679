import {
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  toError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AccountExceptionsResponse,
  AccountSummary,
  cisAwsExceptionApprovePermission,
  cisAwsExceptionRequestPermission,
  ComplianceException,
  exceptionStatus,
  ExceptionListItem,
  ExceptionsListResponse,
  ExceptionsListStatus,
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
import { principalName } from './principal';

/** What a request for an exception carries (validated for shape by the router). */
export interface ExceptionRequest {
  trailArn?: string;
  reason: string;
  expiresAt: Date;
  ticketUrl?: string;
}

/**
 * Exceptions to control 2.4, with four eyes. Anyone who may read an account sees its exceptions
 * and their audit trail. An owner of the account (through the catalog's ownership) or a holder
 * of `cis-aws.exception.request` requests one; a member of an approver group
 * (`cisAws.exceptions.approvers`) holding `cis-aws.exception.approve`, and not the requester,
 * approves or rejects it. Who did what is always the caller's Backstage identity, never typed
 * text. After an approval or a revocation the account is evaluated again at once, so it shows
 * EXEMPT (or stops) without waiting for the next run.
 */
export interface ExceptionService {
  /** 404 when the account is unknown or unreadable. */
  listAccountExceptions(
    accountId: string,
    options: { credentials: BackstageCredentials },
  ): Promise<AccountExceptionsResponse>;

  /**
   * The exceptions of every account the caller may read. `ACTIVE`: in force now; `PENDING`:
   * awaiting a decision; `EXPIRING`: in force and expiring within `remindBefore`.
   */
  listExceptions(
    status: ExceptionsListStatus,
    options: { credentials: BackstageCredentials },
  ): Promise<ExceptionsListResponse>;

  /**
   * Records a PENDING request. 404 unknown or unreadable account; 403 when the caller neither
   * owns the account nor holds the request permission; 400 when it would not expire in the
   * future, would last longer than allowed, or names a trail the account does not have.
   */
  request(
    accountId: string,
    request: ExceptionRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<ExceptionListItem>;

  /**
   * 404 unknown exception (or of an unreadable account); 403 for the requester, a non-approver
   * or without the permission; 409 when it was decided already, withdrawn, or lapsed.
   */
  decide(
    exceptionId: string,
    decision: 'APPROVED' | 'REJECTED',
    input: { comment?: string },
    options: { credentials: BackstageCredentials },
  ): Promise<ExceptionListItem>;

  /**
   * Revokes an approved exception or withdraws a request: its requester or an approver.
   * 404 unknown exception (or of an unreadable account); 403; 409 when already revoked.
   */
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

/** A caller as Backstage knows them: never a name they typed. */
interface Identity {
  entityRef: string;
  /** The user and the groups they belong to (lower case). */
  ownership: Set<string>;
}

/** What {@link DefaultExceptionService} is made of. */
export interface ExceptionServiceDeps {
  store: Pick<EvaluationStore, 'getAccount' | 'listAccounts'>;
  exceptions: Pick<
    ExceptionStore,
    | 'requestException'
    | 'decideException'
    | 'revokeException'
    | 'getException'
    | 'listExceptions'
    | 'listExceptionEvents'
  >;
  engine: Pick<EvaluationEngine, 'readCatalog' | 'evaluateOne'>;
  access: CatalogAccess;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  logger: LoggerService;
  /** The longest an exception may last (cisAws.exceptions.maxDuration). */
  maxDurationMs: number;
  /** Groups whose members decide requests (cisAws.exceptions.approvers). */
  approvers: readonly string[];
  /** How far ahead "expiring soon" looks (cisAws.exceptions.remindBefore). */
  remindBeforeMs: number;
  /** The clock of exception validity; tests pin it. */
  now?: () => Date;
}

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');
const DAY_MS = 86_400_000;

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
    const { stored, catalog } = await this.readableAccount(
      accountId,
      credentials,
    );
    const identity = await this.identity(credentials);
    const [items, events, approver, canRequest] = await Promise.all([
      this.deps.exceptions.listExceptions({ accountIds: [accountId] }),
      this.deps.exceptions.listExceptionEvents(accountId),
      this.isApprover(identity, credentials),
      this.mayRequest(
        this.ownerOf(accountId, stored, catalog),
        identity,
        credentials,
      ),
    ]);
    return {
      accountId,
      items: items.map(e => this.listItem(e, stored)),
      events,
      viewer: { entityRef: identity.entityRef, approver, canRequest },
    };
  }

  async listExceptions(
    status: ExceptionsListStatus,
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
    const now = this.deps.now();
    const accountIds = [...accounts.keys()];
    let found: ComplianceException[];
    if (status === 'PENDING') {
      found = (
        await this.deps.exceptions.listExceptions({
          accountIds,
          states: ['PENDING'],
        })
      ).filter(e => exceptionStatus(e, now) === 'PENDING');
    } else if (status === 'ALL') {
      found = await this.deps.exceptions.listExceptions({ accountIds });
    } else {
      found = await this.deps.exceptions.listExceptions({
        accountIds,
        activeAt: now,
      });
      if (status === 'EXPIRING') {
        const until = now.getTime() + this.deps.remindBeforeMs;
        found = found
          .filter(e => Date.parse(e.expiresAt) <= until)
          .sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt));
      }
    }
    const identity = await this.identity(credentials);
    return {
      items: found.map(e => this.listItem(e, accounts.get(e.accountId))),
      viewer: {
        entityRef: identity.entityRef,
        approver: await this.isApprover(identity, credentials),
      },
      expiringWithinDays: Math.round(this.deps.remindBeforeMs / DAY_MS),
    };
  }

  async request(
    accountId: string,
    request: ExceptionRequest,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<ExceptionListItem> {
    const { stored, catalog } = await this.readableAccount(
      accountId,
      credentials,
    );
    const identity = await this.identity(credentials);
    const ownerRef = this.ownerOf(accountId, stored, catalog);
    if (!(await this.mayRequest(ownerRef, identity, credentials))) {
      throw new NotAllowedError(
        `Only an owner of AWS account ${accountId}${
          ownerRef ? ` (${ownerRef})` : ''
        } or a holder of ${
          cisAwsExceptionRequestPermission.name
        } may request an exception for it`,
      );
    }
    const requestedAt = this.deps.now();
    this.checkExpiry(request.expiresAt, requestedAt);
    if (
      request.trailArn &&
      stored &&
      !stored.evaluation.trails.some(t => t.trailArn === request.trailArn)
    ) {
      throw new InputError(
        `AWS account ${accountId} has no trail ${request.trailArn} in its latest evaluation`,
      );
    }
    const exception = await this.deps.exceptions.requestException({
      accountId,
      trailArn: request.trailArn,
      reason: request.reason,
      expiresAt: request.expiresAt.toISOString(),
      ticketUrl: request.ticketUrl,
      requestedBy: identity.entityRef,
      requestedAt: requestedAt.toISOString(),
    });
    this.deps.logger.child({ accountId }).info('exception requested', {
      actor: identity.entityRef,
      exceptionId: exception.id,
      trailArn: exception.trailArn,
      expiresAt: exception.expiresAt,
    });
    return this.listItem(
      exception,
      stored ?? this.mappingOf(accountId, catalog),
    );
  }

  async decide(
    exceptionId: string,
    decision: 'APPROVED' | 'REJECTED',
    input: { comment?: string },
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<ExceptionListItem> {
    const verb = decision === 'APPROVED' ? 'approve' : 'reject';
    const { existing, stored, catalog } = await this.readableException(
      exceptionId,
      credentials,
    );
    const identity = await this.identity(credentials);
    if (
      existing.createdBy !== undefined &&
      lower(existing.createdBy) === lower(identity.entityRef)
    ) {
      throw new NotAllowedError(
        `You requested exception ${
          existing.id
        } yourself, so you may not ${verb} it: four eyes means another member of ${this.approverGroupsText()} decides it`,
      );
    }
    await this.requireApprover(identity, credentials, verb);
    const now = this.deps.now();
    if (
      existing.state === 'PENDING' &&
      !(Date.parse(existing.expiresAt) > now.getTime())
    ) {
      throw new ConflictError(
        `Exception ${existing.id} expired on ${existing.expiresAt} before it was decided; request a new one`,
      );
    }
    // A ConflictError (409) when it was decided or withdrawn meanwhile.
    const decided = await this.deps.exceptions.decideException(existing.id, {
      decision,
      actor: identity.entityRef,
      at: now.toISOString(),
      comment: input.comment,
    });
    if (!decided) throw new NotFoundError(`No exception ${existing.id}`);
    this.deps.logger
      .child({ accountId: decided.accountId })
      .info(`exception ${decision.toLowerCase()}`, {
        actor: identity.entityRef,
        exceptionId: decided.id,
        requestedBy: decided.createdBy,
      });
    const reevaluated =
      decision === 'APPROVED'
        ? await this.reevaluate(decided.accountId, catalog)
        : undefined;
    return this.listItem(decided, reevaluated ?? stored);
  }

  async revoke(
    exceptionId: string,
    input: { reason?: string },
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<ExceptionListItem> {
    const { existing, stored, catalog } = await this.readableException(
      exceptionId,
      credentials,
    );
    const identity = await this.identity(credentials);
    // Ending an exception early only narrows it: its requester may, as may an approver.
    const ownRequest =
      existing.createdBy !== undefined &&
      lower(existing.createdBy) === lower(identity.entityRef);
    if (!ownRequest) {
      await this.requireApprover(identity, credentials, 'revoke');
    }
    // A ConflictError (409) when it is already revoked, or was rejected.
    const revoked = await this.deps.exceptions.revokeException(existing.id, {
      actor: identity.entityRef,
      at: this.deps.now().toISOString(),
      reason: input.reason,
    });
    if (!revoked) throw new NotFoundError(`No exception ${existing.id}`);
    this.deps.logger
      .child({ accountId: revoked.accountId })
      .info('exception revoked', {
        actor: identity.entityRef,
        exceptionId: revoked.id,
      });
    const reevaluated =
      existing.state === 'APPROVED'
        ? await this.reevaluate(revoked.accountId, catalog)
        : undefined;
    return this.listItem(revoked, reevaluated ?? stored);
  }

  private checkExpiry(expiresAt: Date, createdAt: Date) {
    if (expiresAt.getTime() <= createdAt.getTime()) {
      throw new InputError('expiresAt must be in the future');
    }
    if (expiresAt.getTime() - createdAt.getTime() > this.deps.maxDurationMs) {
      const days = Math.floor(this.deps.maxDurationMs / DAY_MS);
      throw new InputError(
        `expiresAt is too far ahead: an exception lasts at most ${days} days (cisAws.exceptions.maxDuration)`,
      );
    }
  }

  /** The caller's entity ref and ownership, from Backstage's identity of the credentials. */
  private async identity(credentials: BackstageCredentials): Promise<Identity> {
    const principal = credentials.principal as { type?: string };
    if (principal.type !== 'user') {
      return { entityRef: principalName(credentials), ownership: new Set() };
    }
    const info = await this.deps.userInfo.getUserInfo(
      credentials as BackstageCredentials<BackstageUserPrincipal>,
    );
    return {
      entityRef: info.userEntityRef,
      ownership: new Set(
        [info.userEntityRef, ...info.ownershipEntityRefs].map(lower),
      ),
    };
  }

  private async allowed(
    credentials: BackstageCredentials,
    permission:
      | typeof cisAwsExceptionRequestPermission
      | typeof cisAwsExceptionApprovePermission,
  ): Promise<boolean> {
    const [decision] = await this.deps.permissions.authorize([{ permission }], {
      credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  }

  private async mayRequest(
    ownerRef: string | undefined,
    identity: Identity,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    if (ownerRef && identity.ownership.has(lower(ownerRef))) return true;
    return this.allowed(credentials, cisAwsExceptionRequestPermission);
  }

  private inApproverGroup(identity: Identity): boolean {
    return this.deps.approvers.some(group =>
      identity.ownership.has(lower(group)),
    );
  }

  private async isApprover(
    identity: Identity,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    if (!this.inApproverGroup(identity)) return false;
    return this.allowed(credentials, cisAwsExceptionApprovePermission);
  }

  private approverGroupsText(): string {
    return this.deps.approvers.length > 0
      ? `${this.deps.approvers.join(', ')} (cisAws.exceptions.approvers)`
      : 'an approver group (cisAws.exceptions.approvers, none configured)';
  }

  private async requireApprover(
    identity: Identity,
    credentials: BackstageCredentials,
    verb: string,
  ): Promise<void> {
    if (this.deps.approvers.length === 0) {
      throw new NotAllowedError(
        `Nobody may ${verb} exceptions: no approver group is configured (cisAws.exceptions.approvers)`,
      );
    }
    if (!this.inApproverGroup(identity)) {
      throw new NotAllowedError(
        `Only members of ${this.approverGroupsText()} may ${verb} exceptions`,
      );
    }
    if (!(await this.allowed(credentials, cisAwsExceptionApprovePermission))) {
      throw new NotAllowedError(
        `You may not ${verb} exceptions (${cisAwsExceptionApprovePermission.name})`,
      );
    }
  }

  private ownerOf(
    accountId: string,
    stored: StoredAccountDetail | undefined,
    catalog: CatalogAccounts | undefined,
  ): string | undefined {
    return stored?.ownerRef ?? this.mappingOf(accountId, catalog)?.ownerRef;
  }

  private mappingOf(accountId: string, catalog: CatalogAccounts | undefined) {
    return catalog?.mappings.find(m => m.accountId === accountId);
  }

  /** An exception of an account the caller may read; else 404, so whose it is does not leak. */
  private async readableException(
    exceptionId: string,
    credentials: BackstageCredentials,
  ): Promise<{
    existing: ComplianceException;
    stored?: StoredAccountDetail;
    catalog?: CatalogAccounts;
  }> {
    const existing = await this.deps.exceptions.getException(exceptionId);
    if (!existing) throw new NotFoundError(`No exception ${exceptionId}`);
    const account = await this.readableAccount(
      existing.accountId,
      credentials,
    ).catch(error => {
      if (toError(error).name === 'NotFoundError') {
        throw new NotFoundError(`No exception ${exceptionId}`);
      }
      throw error;
    });
    return { existing, ...account };
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

  /** An approval or revocation applies at once; a failed evaluation is its own ERROR. */
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
