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
  /** Per entity (by position), its search rows as key → values. */
  private readonly rows: Array<Map<string, Set<string | null>>> = [];
  /** key → value → positions; key → positions having it. */
  private readonly index = new Map<string, Map<string | null, number[]>>();
  private readonly withKey = new Map<string, number[]>();

  constructor(options: { entities: Entity[] }) {
    super(options);
    this.entities = options.entities.slice();
    this.entities.forEach((entity, position) => {
      this.byRef.set(stringifyEntityRef(entity), entity);
      this.positionOf.set(entity, position);
      const byKey = new Map<string, Set<string | null>>();
      for (const [key, value] of searchRows(entity)) {
        if (!byKey.has(key)) {
          byKey.set(key, new Set());
          const having = this.withKey.get(key) ?? [];
          having.push(position);
          this.withKey.set(key, having);
        }
        const values = byKey.get(key)!;
        if (values.has(value)) continue;
        values.add(value);
        let byValue = this.index.get(key);
        if (!byValue) this.index.set(key, (byValue = new Map()));
        const positions = byValue.get(value) ?? [];
        positions.push(position);
        byValue.set(value, positions);
      }
      this.rows.push(byKey);
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
    const filters = compile(filterOrFilters);
    const positions = new Set<number>();
    for (const filter of filters) {
      for (const position of this.candidates(filter)) {
        if (this.matchesFilter(position, filter)) positions.add(position);
      }
    }
    return [...positions].sort((a, b) => a - b).map(p => this.entities[p]);
  }

  /** The positions that may match: those of the filter's most selective key, from the index. */
  private candidates(filter: CompiledFilter): Iterable<number> {
    let best: number[] | undefined;
    for (const [key, wanted] of filter) {
      let found: number[];
      if (wanted === 'exists') {
        found = this.withKey.get(key) ?? [];
      } else {
        const byValue = this.index.get(key);
        found = [];
        for (const value of wanted) found.push(...(byValue?.get(value) ?? []));
      }
      if (!best || found.length < best.length) best = found;
    }
    return best ?? this.entities.keys();
  }

  /** Every key of the filter has one of its values (or exists), as in the catalog backend. */
  private matchesFilter(position: number, filter: CompiledFilter): boolean {
    const rows = this.rows[position];
    for (const [key, wanted] of filter) {
      const values = rows.get(key);
      if (!values) return false;
      if (wanted === 'exists') continue;
      let found = false;
      for (const value of values) {
        if (value !== null && wanted.has(value)) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  }

  private matcher(filter?: EntityFilterQuery): (entity: Entity) => boolean {
    if (!filter) return () => true;
    const filters = compile(filter);
    return entity => {
      const position = this.positionOf.get(entity);
      return (
        position !== undefined &&
        filters.some(f => this.matchesFilter(position, f))
      );
    };
  }
}
