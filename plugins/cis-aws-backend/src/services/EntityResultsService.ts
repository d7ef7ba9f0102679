import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AccountSummary,
  AWS_ACCOUNT_ID_ANNOTATION,
  EntityResultResponse,
  MappingProblem,
  parseAccountAnnotation,
} from '@cis-aws/plugin-cis-aws-common';
import { aggregateEntity } from '../rules';
import { EvaluationStore, listAllAccounts } from '../storage/EvaluationStore';

/** How many levels of child groups a group's aggregate reaches down. */
export const MAX_GROUP_DEPTH = 10;

/** The verdict of any catalog entity: the worst of the accounts it stands for. */
export interface EntityResultsService {
  /** 404 when the entity does not exist or the caller may not read it. */
  getEntityResult(
    entityRef: string,
    options: { credentials: BackstageCredentials },
  ): Promise<EntityResultResponse>;
}

/**
 * A cloud-account Resource stands for its own account; a System for its parts' accounts; a User
 * for what it owns; a Group for what it and every group below it own (a department's card
 * covers its teams); any entity also for its own annotation. The catalog is asked with the
 * caller's credentials, so what the caller may not read does not count.
 */
export class DefaultEntityResultsService implements EntityResultsService {
  static create(options: {
    catalog: CatalogService;
    store: Pick<EvaluationStore, 'listAccounts'>;
  }): EntityResultsService {
    return new DefaultEntityResultsService(options.catalog, options.store);
  }

  private constructor(
    private readonly catalog: CatalogService,
    private readonly store: Pick<EvaluationStore, 'listAccounts'>,
  ) {}

  async getEntityResult(
    entityRef: string,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<EntityResultResponse> {
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
    const accounts: AccountSummary[] =
      accountIds.length > 0
        ? await listAllAccounts(this.store, { accountIds })
        : [];
    const aggregate = aggregateEntity(
      accounts.map(({ accountId, verdict }) => ({ accountId, verdict })),
    );
    const evaluated = new Set(accounts.map(account => account.accountId));
    let verdict: EntityResultResponse['verdict'] = aggregate.verdict;
    if (accountIds.length === 0) verdict = 'NOT_MAPPED';
    else if (accounts.length === 0) verdict = 'PENDING';
    return {
      entityRef,
      verdict,
      counts: aggregate.counts,
      accounts,
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
