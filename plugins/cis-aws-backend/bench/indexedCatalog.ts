/**
 * The benchmark's catalog: `@backstage/catalog-client`'s in-memory catalog with the lookups the
 * real catalog backend answers from its indexes — an entity by ref, and entities by filter
 * (the backend's `search` table: one row per entity, key and value, indexed) — answered from
 * indexes built once, instead of a scan of every entity (each traversed again) per request.
 *
 * The in-memory client builds a map of all N entities for every `getEntityByRef` and traverses
 * all N entities for every filter, so at 10,000 accounts its scans, not the plugin, made most
 * of the entity routes' time. This subclass answers the same requests with the same results
 * (`checkSameAnswers` compares them on the benchmark's own requests before anything is
 * measured); requests it does not index (ordering, full text, predicate queries, cursors of
 * `getEntities`) go to the in-memory client unchanged.
 */
import {
  CATALOG_FILTER_EXISTS,
  EntityFilterQuery,
  GetEntitiesByRefsRequest,
  GetEntitiesRequest,
  QueryEntitiesRequest,
  StreamEntitiesRequest,
} from '@backstage/catalog-client';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import {
  CompoundEntityRef,
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/** The keys the catalog backend's search table leaves out of the generic traversal. */
const SPECIAL_KEYS = new Set([
  'attachments',
  'relations',
  'status',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'metadata.etag',
]);

/**
 * The search rows of an entity, keys and values lower-cased, as the catalog backend stores them
 * (`buildEntitySearch`: every leaf by its dotted path, every string of an array also as
 * `path.item = true`, name, namespace, uid and one row per relation type).
 */
export function searchRows(entity: Entity): Array<[string, string | null]> {
  const rows: Array<[string, string | null]> = [];
  const seenArrayKeys = new Set<string>();
  const push = (key: string, value: unknown) =>
    rows.push([
      key.toLowerCase(),
      value === null || value === undefined
        ? null
        : String(value).toLowerCase(),
    ]);
  const visit = (path: string, current: unknown) => {
    if (SPECIAL_KEYS.has(path)) return;
    if (
      current === undefined ||
      current === null ||
      ['string', 'number', 'boolean'].includes(typeof current)
    ) {
      push(path, current);
      return;
    }
    if (typeof current !== 'object') return;
    if (Array.isArray(current)) {
      for (const item of current) {
        visit(path, item);
        if (typeof item === 'string') {
          const key = `${path}.${item}`.toLowerCase();
          if (!seenArrayKeys.has(key)) {
            seenArrayKeys.add(key);
            push(key, true);
          }
        }
      }
      return;
    }
    for (const [key, value] of Object.entries(current)) {
      visit(path ? `${path}.${key}` : key, value);
    }
  };
  visit('', entity);
  if (entity.metadata?.name) push('metadata.name', entity.metadata.name);
  push('metadata.namespace', entity.metadata?.namespace ?? DEFAULT_NAMESPACE);
  if (entity.metadata?.uid) push('metadata.uid', entity.metadata.uid);
  for (const relation of entity.relations ?? []) {
    push(`relations.${relation.type}`, relation.targetRef);
  }
  return rows;
}

/** A field of `fields` read from an entity, as the in-memory client projects it. */
function pathAndValue(entity: Entity, field: string): [string[], unknown] {
  const parts = field.split('.');
  const path: string[] = [];
  let current: unknown = entity;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (
      current !== null &&
      typeof current === 'object' &&
      part in (current as object)
    ) {
      path.push(part);
      current = (current as Record<string, unknown>)[part];
    } else if (i + 1 < parts.length) {
      parts[i + 1] = `${part}.${parts[i + 1]}`; // a key with dots in it
    } else {
      return [path, undefined];
    }
  }
  return [path, current];
}

function project(entity: Entity, fields?: string[]): Entity {
  if (!fields?.length) return entity;
  const output: Record<string, unknown> = {};
  for (const field of fields) {
    const [path, value] = pathAndValue(entity, field);
    if (value === undefined || path.length === 0) continue;
    let target = output;
    for (const part of path.slice(0, -1)) {
      target = (target[part] ??= {}) as Record<string, unknown>;
    }
    target[path[path.length - 1]] = value;
  }
  return output as unknown as Entity;
}

type Filter = Record<string, string | symbol | (string | symbol)[]>;
/** A filter's keys lower-cased, each with its lower-cased values or `exists`. */
type CompiledFilter = Array<[string, Set<string> | 'exists']>;

function compile(filterOrFilters: EntityFilterQuery): CompiledFilter[] {
  return ([filterOrFilters].flat() as Filter[]).map(filter =>
    Object.entries(filter).map(([key, expected]) => {
      const values = [expected].flat();
      return [
        key.toLowerCase(),
        values.includes(CATALOG_FILTER_EXISTS)
          ? 'exists'
          : new Set(values.map(value => String(value).toLowerCase())),
      ];
    }),
  );
}

export class IndexedCatalog extends InMemoryCatalogClient {
  private readonly entities: Entity[];
  private readonly byRef = new Map<string, Entity>();
  private readonly positionOf = new Map<Entity, number>();
  /** key → value → positions having it; key → positions having the key at all. */
  private readonly index = new Map<string, Map<string | null, number[]>>();
  private readonly withKey = new Map<string, Set<number>>();

  constructor(options: { entities: Entity[] }) {
    super(options);
    this.entities = options.entities.slice();
    this.entities.forEach((entity, position) => {
      this.byRef.set(stringifyEntityRef(entity), entity);
      this.positionOf.set(entity, position);
      const seen = new Set<string>();
      for (const [key, value] of searchRows(entity)) {
        const row = `${key}\u0000${value}`;
        if (seen.has(row)) continue;
        seen.add(row);
        let having = this.withKey.get(key);
        if (!having) this.withKey.set(key, (having = new Set()));
        having.add(position);
        let byValue = this.index.get(key);
        if (!byValue) this.index.set(key, (byValue = new Map()));
        const positions = byValue.get(value) ?? [];
        positions.push(position);
        byValue.set(value, positions);
      }
    });
  }

  override async getEntityByRef(
    entityRef: string | CompoundEntityRef,
  ): Promise<Entity | undefined> {
    return this.byRef.get(stringifyEntityRef(parseEntityRef(entityRef)));
  }

  override async getEntitiesByRefs(request: GetEntitiesByRefsRequest) {
    if (request.query) return super.getEntitiesByRefs(request);
    const matches = this.matcher(request.filter);
    return {
      items: request.entityRefs.map(ref => {
        const entity = this.byRef.get(ref);
        return entity && matches(entity)
          ? project(entity, request.fields)
          : undefined;
      }),
    };
  }

  override async getEntities(request?: GetEntitiesRequest) {
    if (
      !request?.filter ||
      request.order ||
      request.after ||
      request.offset ||
      request.limit !== undefined
    ) {
      return super.getEntities(request);
    }
    return {
      items: this.select(request.filter).map(e => project(e, request.fields)),
    };
  }

  override async queryEntities(request?: QueryEntitiesRequest) {
    // Only the first page of a plain filtered request is indexed; its cursors continue in the
    // in-memory client, whose cursor format this does not repeat.
    if (
      !request ||
      'cursor' in request ||
      !request.filter ||
      request.query ||
      request.fullTextFilter ||
      request.orderFields ||
      request.offset
    ) {
      return super.queryEntities(request);
    }
    const items = this.select(request.filter);
    if (request.limit !== undefined && items.length > request.limit) {
      return super.queryEntities(request);
    }
    return {
      items: items.map(e => project(e, request.fields)),
      totalItems: items.length,
      pageInfo: {},
    };
  }

  override async *streamEntities(request?: StreamEntitiesRequest) {
    if (
      !request?.filter ||
      request.query ||
      request.fullTextFilter ||
      request.orderFields
    ) {
      yield* super.streamEntities(request);
      return;
    }
    const items = this.select(request.filter);
    const pageSize = request.pageSize ?? 500;
    for (let start = 0; start < items.length; start += pageSize) {
      yield items
        .slice(start, start + pageSize)
        .map(e => project(e, request.fields));
    }
  }

  /** The entities matching any of the filters, in the catalog's order. */
  private select(filterOrFilters: EntityFilterQuery): Entity[] {
    const positions = new Set<number>();
    for (const filter of compile(filterOrFilters)) {
      const sets = this.positionSets(filter);
      if (sets.length === 0) {
        this.entities.forEach((_, p) => positions.add(p));
        continue;
      }
      const [smallest, ...others] = sets.sort((a, b) => a.size - b.size);
      for (const position of smallest) {
        if (others.every(set => set.has(position))) positions.add(position);
      }
    }
    return [...positions].sort((a, b) => a - b).map(p => this.entities[p]);
  }

  /** For each key of the filter, the positions having it with one of its values, from the index. */
  private positionSets(filter: CompiledFilter): Set<number>[] {
    return filter.map(([key, wanted]) => {
      if (wanted === 'exists') return this.withKey.get(key) ?? new Set();
      const byValue = this.index.get(key);
      const found = new Set<number>();
      for (const value of wanted) {
        for (const position of byValue?.get(value) ?? []) found.add(position);
      }
      return found;
    });
  }

  private matcher(filter?: EntityFilterQuery): (entity: Entity) => boolean {
    if (!filter) return () => true;
    const filters = compile(filter).map(f => this.positionSets(f));
    return entity => {
      const position = this.positionOf.get(entity);
      return (
        position !== undefined &&
        filters.some(sets => sets.every(set => set.has(position)))
      );
    };
  }
}
