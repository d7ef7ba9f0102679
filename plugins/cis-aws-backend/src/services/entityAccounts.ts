import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AWS_ACCOUNT_ID_ANNOTATION,
  MappingProblem,
  parseAccountAnnotation,
} from '@cis-aws/plugin-cis-aws-common';

/** How many levels of child groups a group's aggregate reaches down. */
export const MAX_GROUP_DEPTH = 10;

/**
 * The accounts an entity stands for, as the caller may read them: a cloud-account Resource its
 * own; a System its parts'; a User what it owns; a Group what it and every group below it own;
 * any entity also its own annotation. 404 when the entity does not exist or is unreadable.
 * One place for the entity card, its tab and its trend.
 */
export async function resolveEntityAccounts(
  catalog: CatalogService,
  entityRef: string,
  credentials: BackstageCredentials,
): Promise<{ accountIds: string[]; problems: MappingProblem[] }> {
  const entity = await catalog.getEntityByRef(entityRef, { credentials });
  if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
  const carriers = [
    entity,
    ...(await relatedAccountEntities(catalog, entity, entityRef, credentials)),
  ];
  return annotatedAccounts(carriers);
}

/** The account-carrying entities a system, a user or a group stands for. */
async function relatedAccountEntities(
  catalog: CatalogService,
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
      'relations.ownedBy': await groupAndDescendants(catalog, ref, credentials),
    };
  } else return [];
  const { items } = await catalog.getEntities(
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
async function groupAndDescendants(
  catalog: CatalogService,
  groupRef: string,
  credentials: BackstageCredentials,
): Promise<string[]> {
  const seen = new Set([groupRef]);
  let level = [groupRef];
  for (let depth = 0; depth < MAX_GROUP_DEPTH && level.length > 0; depth++) {
    const { items } = await catalog.getEntities(
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
