import { AwsError } from '../protocols/errors';
import {
  JsonInput,
  decodeToken,
  encodeToken,
  isOffsetCursor,
} from '../protocols/json';
import { FindingSpec } from '../world/schema';
import { toAsff } from './asff';
import {
  DATE_FIELDS,
  STRING_FIELDS,
  compileFilters,
  equalsAccountIds,
} from './findingFilters';
import { RequestContext, RestJsonService } from './types';

/**
 * Security Hub (REST-JSON): GetFindings. The administrator account
 * (world.securityHub.administratorAccount) sees every account's findings,
 * others only their own. With an aggregationRegion, the administrator sees
 * all regions there; everywhere else a caller sees findings of the region it
 * calls. Without one, regions are not filtered.
 */

const invalid = (message: string) =>
  new AwsError('InvalidInputException', message, 400);

function visibleFindings(ctx: RequestContext, filters: unknown): FindingSpec[] {
  const { state, caller, region } = ctx;
  const { administratorAccount, aggregationRegion } = state.spec.securityHub;
  const isAdmin = caller.accountId === administratorAccount;
  const named = equalsAccountIds(filters);
  let candidates: FindingSpec[];
  if (!isAdmin) {
    candidates =
      named && !named.includes(caller.accountId)
        ? []
        : state.findingsOf(caller.accountId);
  } else if (named) {
    candidates = named.flatMap(id => state.findingsOf(id));
  } else {
    candidates = state.allFindings();
  }
  const allRegions =
    aggregationRegion === null || (isAdmin && region === aggregationRegion);
  return allRegions ? candidates : candidates.filter(f => f.region === region);
}

function sorter(
  criteria: unknown,
  partition: string,
  nowMs: number,
): (a: FindingSpec, b: FindingSpec) => number {
  const list =
    criteria === undefined || criteria === null
      ? [{ Field: 'UpdatedAt', SortOrder: 'desc' }]
      : criteria;
  if (!Array.isArray(list)) throw invalid('SortCriteria must be a list');
  const keys = list.map((c: { Field?: unknown; SortOrder?: unknown }, i) => {
    const field = String(c?.Field);
    if (
      c?.SortOrder !== undefined &&
      c.SortOrder !== 'asc' &&
      c.SortOrder !== 'desc'
    ) {
      throw invalid(`SortCriteria[${i}].SortOrder must be asc or desc`);
    }
    const dir = c?.SortOrder === 'asc' ? 1 : -1;
    const date = DATE_FIELDS[field];
    const text = STRING_FIELDS[field];
    if (!date && !text) throw invalid(`The simulator cannot sort by ${field}`);
    const key = (f: FindingSpec): string | number =>
      date ? date(f, nowMs) : text(f, partition)[0] ?? '';
    return { key, dir };
  });
  return (a, b) => {
    for (const { key, dir } of keys) {
      const x = key(a);
      const y = key(b);
      if (x < y) return -dir;
      if (x > y) return dir;
    }
    return a.id.localeCompare(b.id);
  };
}

function getFindings(ctx: RequestContext, input: JsonInput): object {
  const partition = ctx.state.spec.partition;
  const filters = input.raw('Filters');
  const max = input.optionalInteger('MaxResults', 1, 100) ?? 100;
  const token = input.optionalString('NextToken');
  const cursor =
    token === undefined ? { o: 0 } : decodeToken(token, isOffsetCursor);
  if (!cursor) throw invalid('The NextToken provided is invalid.');
  const predicate = compileFilters(filters, partition, ctx.nowMs);
  const matching = visibleFindings(ctx, filters).filter(predicate);
  matching.sort(sorter(input.raw('SortCriteria'), partition, ctx.nowMs));
  const pageItems = matching.slice(cursor.o, cursor.o + max);
  const next =
    cursor.o + max < matching.length
      ? encodeToken({ o: cursor.o + max })
      : undefined;
  return {
    Findings: pageItems.map(f => toAsff(f, partition, ctx.nowMs)),
    ...(next ? { NextToken: next } : {}),
  };
}

export const securityhub: RestJsonService = {
  name: 'securityhub',
  protocol: 'restJson',
  global: false,
  routes: [{ method: 'POST', path: '/findings', operation: 'GetFindings' }],
  invalid,
  operations: { GetFindings: getFindings },
};
