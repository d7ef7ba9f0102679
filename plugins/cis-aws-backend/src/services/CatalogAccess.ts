import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
  AWS_ACCOUNT_ID_ANNOTATION,
  MappingProblem,
} from '@cis-aws/plugin-cis-aws-common';
import { PromiseCache } from '../lib/promiseCache';
import { resolveEntityAccounts } from './entityAccounts';
import {
  AccountQuery,
  EvaluationStore,
  StoredAccountDetail,
} from '../storage/EvaluationStore';

/**
 * The catalog's own read permission (`catalogEntityReadPermission` of
 * `@backstage/plugin-catalog-common/alpha`, which this package does not depend on): policies
 * recognise a permission by its name, and this is the one the catalog authorizes reads with.
 */
export const CATALOG_ENTITY_READ_PERMISSION = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

/** How long the account refs a caller may read are reused (a page makes several requests). */
export const READABLE_REFS_TTL_MS = 30_000;
/** How many callers' refs are kept at most; the oldest go first. */
const MAX_CACHED_CALLERS = 200;
/** How many (caller, entity) resolutions are kept at most; the oldest go first. */
const MAX_CACHED_ENTITIES = 2000;

/** The accounts an entity stands for, as one caller may read them (see resolveEntityAccounts). */
export interface EntityAccounts {
  readonly accountIds: readonly string[];
  readonly problems: readonly MappingProblem[];
}

/** What {@link CatalogAccess} is made of. */
export interface CatalogAccessDeps {
  catalog: CatalogService;
  /**
   * With both: a caller whom the catalog's read policy allows every entity outright (ALLOW, no
   * conditions) shares one list of the catalog's account entities, read with the plugin's own
   * credentials, instead of streaming them with their own; one it denies reads none.
   */
  permissions?: PermissionsService;
  auth?: AuthService;
  /**
   * With permissions and auth: for a caller allowed every entity, lists are not restricted to
   * the catalog's refs (tens of thousands) but leave out the few stored accounts whose entity
   * is no longer in the catalog.
   */
  store?: Pick<EvaluationStore, 'listEntityRefs'>;
  /** Default {@link READABLE_REFS_TTL_MS}; 0 turns the cache off. */
  ttlMs?: number;
  /** The clock of the cache; tests set it. */
  now?: () => number;
}

/**
 * Which stored accounts a caller may see, as a list query takes it: only those of readable
 * entities, or all but those of entities that left the catalog.
 */
export type AccountVisibility = Pick<
  AccountQuery,
  'readableEntityRefs' | 'hiddenEntityRefs'
>;

/** What the catalog lets a caller read: everything, or these account entities. */
type Reach = { all: true } | { all: false; refs: ReadonlySet<string> };

/** Cache keys of what every caller allowed everything shares (principal keys have a type). */
const ALL_ACCOUNT_ENTITIES = '*catalog';
const GONE_FROM_CATALOG = '*gone';

/** Who the cache keys by: a user's entity ref or a service's subject; none for anyone else. */
function cacheKey(credentials: BackstageCredentials): string | undefined {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return `user:${principal.userEntityRef}`;
  }
  if (principal.type === 'service' && principal.subject) {
    return `service:${principal.subject}`;
  }
  return undefined;
}

/**
 * What a caller may see, decided by the catalog itself: a request asks the
 * catalog with the caller's own credentials, so the catalog's permission
 * policy (catalogEntityReadPermission and its conditions) applies as is.
 *
 * What a caller may read is resolved once and reused for {@link READABLE_REFS_TTL_MS} (the
 * organization page's requests share it): a change of the catalog or of the policy shows
 * within that time. Backstage offers the plugin no signal of either. Concurrent requests of one
 * caller wait for the same look-up; a failed look-up is not kept.
 */
export class CatalogAccess {
  static create(deps: CatalogAccessDeps): CatalogAccess {
    return new CatalogAccess(deps);
  }

  private readonly catalog: CatalogService;
  /** Per caller (and the shared entries of callers allowed everything). */
  private readonly cache: PromiseCache;
  /** Per caller and entity. */
  private readonly entityCache: PromiseCache;

  private constructor(private readonly deps: CatalogAccessDeps) {
    this.catalog = deps.catalog;
    const ttlMs = deps.ttlMs ?? READABLE_REFS_TTL_MS;
    const now = deps.now ?? Date.now;
    this.cache = new PromiseCache({
      ttlMs,
      now,
      maxEntries: MAX_CACHED_CALLERS,
    });
    this.entityCache = new PromiseCache({
      ttlMs,
      now,
      maxEntries: MAX_CACHED_ENTITIES,
    });
  }

  /** The refs of the account-carrying entities the caller may read. */
  async readableAccountEntityRefs(
    credentials: BackstageCredentials,
  ): Promise<ReadonlySet<string>> {
    const reach = await this.reachOf(credentials);
    return reach.all ? this.allAccountEntityRefs() : reach.refs;
  }

  /** Which stored accounts the caller may see, for a list query. */
  async accountVisibility(
    credentials: BackstageCredentials,
  ): Promise<AccountVisibility> {
    const reach = await this.reachOf(credentials);
    if (!reach.all) return { readableEntityRefs: reach.refs };
    const { store } = this.deps;
    if (!store)
      return { readableEntityRefs: await this.allAccountEntityRefs() };
    return {
      hiddenEntityRefs: await this.cache.get(GONE_FROM_CATALOG, async () => {
        const [stored, inCatalog] = await Promise.all([
          store.listEntityRefs(),
          this.allAccountEntityRefs(),
        ]);
        const present = new Set(
          Array.from(inCatalog, ref => ref.toLocaleLowerCase('en-US')),
        );
        return new Set(stored.filter(ref => !present.has(ref)));
      }),
    };
  }

  /**
   * The accounts an entity stands for, as the caller may read them; 404 when the entity does not
   * exist or is unreadable. Resolved once per caller and entity for the TTL, as the readable refs
   * are (an entity page's card, tab and trend share it: a root group's resolution reads every
   * account entity below it from the catalog); a failed look-up, a 404 included, is not kept.
   */
  entityAccounts(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityAccounts> {
    const caller = cacheKey(credentials);
    return this.entityCache.get(
      caller && `${caller}\u0000${entityRef.toLocaleLowerCase('en-US')}`,
      () => resolveEntityAccounts(this.catalog, entityRef, credentials),
    );
  }

  private reachOf(credentials: BackstageCredentials): Promise<Reach> {
    return this.cache.get(cacheKey(credentials), async (): Promise<Reach> => {
      const { permissions, auth } = this.deps;
      if (permissions && auth) {
        const [decision] = await permissions.authorizeConditional(
          [{ permission: CATALOG_ENTITY_READ_PERMISSION }],
          { credentials },
        );
        if (decision.result === AuthorizeResult.ALLOW) return { all: true };
        if (decision.result === AuthorizeResult.DENY) {
          return { all: false, refs: new Set() };
        }
      }
      return {
        all: false,
        refs: await this.streamAccountEntityRefs(credentials),
      };
    });
  }

  /** Every account entity of the catalog, read with the plugin's own credentials. */
  private allAccountEntityRefs(): Promise<ReadonlySet<string>> {
    const { auth } = this.deps;
    if (!auth) throw new Error('CatalogAccess needs auth to read the catalog');
    return this.cache.get(ALL_ACCOUNT_ENTITIES, async () =>
      this.streamAccountEntityRefs(await auth.getOwnServiceCredentials()),
    );
  }

  private async streamAccountEntityRefs(
    credentials: BackstageCredentials,
  ): Promise<ReadonlySet<string>> {
    const refs = new Set<string>();
    const stream = this.catalog.streamEntities(
      {
        filter: {
          [`metadata.annotations.${AWS_ACCOUNT_ID_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    );
    for await (const page of stream) {
      for (const entity of page) refs.add(stringifyEntityRef(entity));
    }
    return refs;
  }

  async canRead(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    return (
      (await this.catalog.getEntityByRef(entityRef, { credentials })) !==
      undefined
    );
  }

  /** An unknown account and an unreadable one get the same 404, so existence does not leak. */
  async requireReadable(
    entityRef: string | undefined,
    accountId: string,
    credentials: BackstageCredentials,
  ): Promise<string> {
    if (!entityRef || !(await this.canRead(entityRef, credentials))) {
      throw new NotFoundError(`AWS account ${accountId} is not in the catalog`);
    }
    return entityRef;
  }

  /**
   * The stored result of an account whose entity the caller may read. An unknown account and an
   * unreadable one get the same 404, so existence does not leak.
   */
  async readableAccount(
    store: Pick<EvaluationStore, 'getAccount'>,
    accountId: string,
    credentials: BackstageCredentials,
  ): Promise<StoredAccountDetail> {
    const stored = await store.getAccount(accountId);
    if (!stored || !(await this.canRead(stored.entityRef, credentials))) {
      throw new NotFoundError(`No CIS 2.4 result for AWS account ${accountId}`);
    }
    return stored;
  }
}
