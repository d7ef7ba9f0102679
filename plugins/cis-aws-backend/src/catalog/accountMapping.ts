import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AccountMapping,
  ACCOUNT_STATUS_ANNOTATION,
  AWS_ACCOUNT_ID_ANNOTATION,
  MappingProblem,
  OWNER_MISSING_ANNOTATION,
  parseAccountAnnotation,
} from '@cis-aws/plugin-cis-aws-common';

/** Every account the catalog names, and what was wrong with what it names. */
export interface CatalogAccounts {
  /** One per account id, sorted by account id. */
  mappings: AccountMapping[];
  /** Malformed annotations and accounts claimed by more than one Resource. */
  problems: MappingProblem[];
  /** Entities (any kind) whose own annotation names accounts, by entity ref. */
  annotatedAccounts: Map<string, string[]>;
}

const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'spec.owner',
  'spec.system',
];

function toRef(
  value: unknown,
  defaultKind: string,
  namespace: string,
): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(value, { defaultKind, defaultNamespace: namespace }),
    );
  } catch {
    return undefined;
  }
}

/** Marked by the AWS Organizations provider: `spec.owner` is only a placeholder. */
function hasNoOwner(entity: Entity): boolean {
  return entity.metadata.annotations?.[OWNER_MISSING_ANNOTATION] === 'true';
}

/** Suspended, pending closure or closed in AWS Organizations: nothing to evaluate. */
function isInactiveAccount(entity: Entity): boolean {
  const status = entity.metadata.annotations?.[ACCOUNT_STATUS_ANNOTATION];
  return status !== undefined && status.trim().toUpperCase() !== 'ACTIVE';
}

/**
 * Reads from the catalog which entities stand for which AWS accounts.
 *
 * A `kind: Resource` carrying `amazonaws.com/account-id` is the account's
 * home: its title, `spec.owner` and `spec.system` are the account's. Other
 * kinds may carry the annotation too; they map to those accounts (and own
 * them when no Resource does). A malformed value is reported as a problem on
 * its entity, never thrown.
 *
 * An entity marked `cis-aws.io/owner-missing: 'true'` has no owner (its
 * `spec.owner` is only a placeholder), so its accounts are listed as nobody's.
 * An entity whose `cis-aws.io/account-status` is not `ACTIVE` stands for a
 * suspended or closed account: that account is not evaluated at all.
 */
export async function readCatalogAccounts(
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<CatalogAccounts> {
  const homes = new Map<
    string,
    { mapping: AccountMapping; fromResource: boolean }
  >();
  const problems: MappingProblem[] = [];
  const annotatedAccounts = new Map<string, string[]>();
  // Accounts suspended or closed: not evaluated, whoever else names them.
  const inactive = new Set<string>();

  const stream = catalog.streamEntities(
    {
      filter: {
        [`metadata.annotations.${AWS_ACCOUNT_ID_ANNOTATION}`]:
          CATALOG_FILTER_EXISTS,
      },
      fields: FIELDS,
    },
    { credentials },
  );
  const entities: Entity[] = [];
  for await (const page of stream) {
    entities.push(...page);
  }
  // Sorted, so which of two Resources claiming one account wins is stable.
  entities
    .map(entity => ({ entity, ref: stringifyEntityRef(entity) }))
    .sort((a, b) => a.ref.localeCompare(b.ref))
    .forEach(({ entity }) => collect(entity));

  function collect(entity: Entity) {
    const entityRef = stringifyEntityRef(entity);
    const value =
      entity.metadata.annotations?.[AWS_ACCOUNT_ID_ANNOTATION] ?? '';
    const parsed = parseAccountAnnotation(value);
    if (isInactiveAccount(entity)) {
      if (parsed.ok) parsed.accountIds.forEach(id => inactive.add(id));
      return;
    }
    if (!parsed.ok) {
      problems.push({
        entityRef,
        annotation: AWS_ACCOUNT_ID_ANNOTATION,
        value,
        message: parsed.message,
      });
      return;
    }
    annotatedAccounts.set(entityRef, parsed.accountIds);
    const namespace = getCompoundEntityRef(entity).namespace;
    const fromResource = entity.kind.toLocaleLowerCase('en-US') === 'resource';
    for (const accountId of parsed.accountIds) {
      const mapping: AccountMapping = {
        accountId,
        entityRef,
        title: entity.metadata.title ?? entity.metadata.name,
        ownerRef: hasNoOwner(entity)
          ? undefined
          : toRef(entity.spec?.owner, 'group', namespace),
        systemRef: toRef(entity.spec?.system, 'system', namespace),
      };
      const known = homes.get(accountId);
      if (!known || (fromResource && !known.fromResource)) {
        homes.set(accountId, { mapping, fromResource });
      } else if (fromResource && known.fromResource) {
        problems.push({
          entityRef,
          annotation: AWS_ACCOUNT_ID_ANNOTATION,
          value,
          message: `account ${accountId} is already the account of ${known.mapping.entityRef}; only one Resource may stand for an account`,
        });
      }
    }
  }

  return {
    mappings: [...homes.values()]
      .map(home => home.mapping)
      .filter(mapping => !inactive.has(mapping.accountId))
      .sort((a, b) => a.accountId.localeCompare(b.accountId)),
    problems,
    annotatedAccounts,
  };
}
