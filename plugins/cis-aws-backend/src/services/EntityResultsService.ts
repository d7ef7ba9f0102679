import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AWS_ACCOUNT_ID_ANNOTATION,
  EntityResultResponse,
  MappingProblem,
  parseAccountAnnotation,
} from '@cis-aws/plugin-cis-aws-common';
import { aggregateCounts } from '../rules';
import { emptyTotals } from '../storage/accountListing';
import { AccountPage, EvaluationStore } from '../storage/EvaluationStore';

/** How many levels of child groups a group's aggregate reaches down. */
export const MAX_GROUP_DEPTH = 10;

/** The verdict of any catalog entity: the worst of the accounts it stands for. */
export interface EntityResultsService {
  /** 404 when the entity does not exist or the caller may not read it. */
  getEntityResult(
    entityRef: string,
    options: {
      credentials: BackstageCredentials;
      /** Which of its accounts to list, worst first (default: the first 50). */
      page?: { offset?: number; limit?: number };
    },
  ): Promise<EntityResultResponse>;
}

/** What {@link DefaultEntityResultsService} is made of. */
export interface EntityResultsServiceDeps {
  catalog: CatalogService;
  store: Pick<EvaluationStore, 'listAccounts' | 'listEvaluatedAccountIds'>;
}

export const DEFAULT_ENTITY_PAGE = 50;

/**
 * A cloud-account Resource stands for its own account; a System for its parts' accounts; a User
 * for what it owns; a Group for what it and every group below it own (a department's card
 * covers its teams); any entity also for its own annotation. The catalog is asked with the
 * caller's credentials, so what the caller may not read does not count. The database counts
 * the accounts per verdict and returns one page of them, however many the entity has.
 */
export class DefaultEntityResultsService implements EntityResultsService {
  static create(deps: EntityResultsServiceDeps): EntityResultsService {
    return new DefaultEntityResultsService(deps.catalog, deps.store);
  }

  private constructor(
    private readonly catalog: CatalogService,
    private readonly store: EntityResultsServiceDeps['store'],
  ) {}

  async getEntityResult(
    entityRef: string,
    {
      credentials,
      page: requested = {},
    }: {
      credentials: BackstageCredentials;
      page?: { offset?: number; limit?: number };
    },
  ): Promise<EntityResultResponse> {
    const offset = requested.offset ?? 0;
    const limit = requested.limit ?? DEFAULT_ENTITY_PAGE;
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    const carriers = [
      entity,
      ...(await this.relatedAccountEntities(entity, entityRef, credentials)),
    ];
    const { accountIds, problems } = annotatedAccounts(carriers);
    // An empty accountIds filter would not filter at all: no ids, no accounts.
    const page: AccountPage =
      accountIds.length > 0
        ? await this.store.listAccounts({ accountIds, offset, limit })
        : { items: [], totalCount: 0, totals: emptyTotals() };
    const aggregate = aggregateCounts(page.totals);
    // Only when some are missing: which ones (the ids alone, from the primary key).
    const evaluated =
      page.totalCount < accountIds.length
        ? new Set(await this.store.listEvaluatedAccountIds(accountIds))
        : new Set(accountIds);
    let verdict: EntityResultResponse['verdict'] = aggregate.verdict;
    if (accountIds.length === 0) verdict = 'NOT_MAPPED';
    else if (page.totalCount === 0) verdict = 'PENDING';
    return {
      entityRef,
      verdict,
      counts: aggregate.counts,
      accounts: page.items,
      accountCount: page.totalCount,
      offset,
      limit,
      pendingAccountIds: accountIds.filter(id => !evaluated.has(id)).sort(),
      problems,
    };
  }

  /** The account-carrying entities a system, a user or a group stands for. */
  private async relatedAccountEntities(
    of: Entity,
    ref: string,
    credentials: BackstageCredentials,
  ): Promise<Entity[]> {
    const kind = of.kind.toLocaleLowerCase('en-US');
    let filter: Record<string, string | string[]>;
    if (kind === 'system') filter = { 'relations.partOf': ref };
    else if (kind === 'user') filter = { 'relations.ownedBy': ref };
    else if (kind === 'group') {
      filter = {
        'relations.ownedBy': await this.groupAndDescendants(ref, credentials),
      };
    } else return [];
    const { items } = await this.catalog.getEntities(
      {
        filter: {
          ...filter,
          [`metadata.annotations.${AWS_ACCOUNT_ID_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
        ],
      },
      { credentials },
    );
    return items;
  }

  /** The group and its descendants (childOf, level by level; a cycle or depth stops it). */
  private async groupAndDescendants(
    groupRef: string,
    credentials: BackstageCredentials,
  ): Promise<string[]> {
    const seen = new Set([groupRef]);
    let level = [groupRef];
    for (let depth = 0; depth < MAX_GROUP_DEPTH && level.length > 0; depth++) {
      const { items } = await this.catalog.getEntities(
        {
          filter: { kind: 'Group', 'relations.childOf': level },
          fields: ['kind', 'metadata.name', 'metadata.namespace'],
        },
        { credentials },
      );
      level = items.map(stringifyEntityRef).filter(ref => !seen.has(ref));
      level.forEach(ref => seen.add(ref));
    }
    return [...seen];
  }
}

/** The account ids the entities' annotations name, and the annotations that do not parse. */
function annotatedAccounts(carriers: Entity[]): {
  accountIds: string[];
  problems: MappingProblem[];
} {
  const problems: MappingProblem[] = [];
  const accountIds = new Set<string>();
  for (const carrier of carriers) {
    const value = carrier.metadata.annotations?.[AWS_ACCOUNT_ID_ANNOTATION];
    if (value === undefined) continue;
    const parsed = parseAccountAnnotation(value);
    if (parsed.ok) parsed.accountIds.forEach(id => accountIds.add(id));
    else {
      problems.push({
        entityRef: stringifyEntityRef(carrier),
        annotation: AWS_ACCOUNT_ID_ANNOTATION,
        value,
        message: parsed.message,
      });
    }
  }
  return { accountIds: [...accountIds], problems };
}
