import { AwsError } from '../protocols/errors';
import { FindingSpec } from '../world/schema';
import { resolveTime } from '../world/time';
import {
  associatedStandardsOf,
  generatorIdOf,
  productArnOf,
  titleOf,
  trailRegionOf,
} from './asff';

/**
 * Security Hub GetFindings filters, evaluated on the world's findings without
 * building full ASFF documents. Semantics as Security Hub documents them:
 * filters on different fields are ANDed; on one field, positive comparisons
 * (EQUALS, PREFIX, CONTAINS) are ORed and negative ones (NOT_EQUALS,
 * PREFIX_NOT_EQUALS, NOT_CONTAINS) are ANDed; a field a finding lacks fails
 * every positive and passes every negative comparison.
 */

type Extract = (f: FindingSpec, partition: string) => string[];

const one = (v: string | null | undefined): string[] => (v ? [v] : []);

export const STRING_FIELDS: Record<string, Extract> = {
  Id: f => [f.id],
  AwsAccountId: f => [f.account],
  Region: f => [f.region],
  ProductArn: (f, p) => [productArnOf(f, p)],
  ProductName: () => ['Security Hub'],
  CompanyName: () => ['AWS'],
  GeneratorId: f => [generatorIdOf(f)],
  Title: f => [titleOf(f)],
  Type: () => [
    'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark',
  ],
  SeverityLabel: f => [f.severity],
  ComplianceStatus: f => [f.status],
  ComplianceSecurityControlId: f => one(f.controlId),
  ComplianceAssociatedStandardsId: f => associatedStandardsOf(f),
  RecordState: f => [f.recordState],
  WorkflowStatus: f => [f.workflowStatus],
  WorkflowState: f => [f.workflowStatus === 'RESOLVED' ? 'RESOLVED' : 'NEW'],
  ResourceId: f => [f.trailArn],
  ResourceType: () => ['AwsCloudTrailTrail'],
  ResourceRegion: f => [trailRegionOf(f)],
  ResourcePartition: (_f, p) => [p],
};

export const DATE_FIELDS: Record<
  string,
  (f: FindingSpec, nowMs: number) => number
> = {
  CreatedAt: (f, now) => resolveTime(f.createdAt, now),
  FirstObservedAt: (f, now) => resolveTime(f.createdAt, now),
  UpdatedAt: (f, now) => resolveTime(f.updatedAt, now),
  LastObservedAt: (f, now) => resolveTime(f.updatedAt, now),
  ProcessedAt: (f, now) => resolveTime(f.updatedAt, now),
};

const POSITIVE = ['EQUALS', 'PREFIX', 'CONTAINS'];
const NEGATIVE = ['NOT_EQUALS', 'PREFIX_NOT_EQUALS', 'NOT_CONTAINS'];

interface StringFilter {
  Value: string;
  Comparison: string;
}

export type FindingPredicate = (f: FindingSpec) => boolean;

const invalid = (message: string) =>
  new AwsError('InvalidInputException', message, 400);

function compare(comparison: string, actual: string, wanted: string): boolean {
  switch (comparison) {
    case 'EQUALS':
    case 'NOT_EQUALS':
      return actual === wanted;
    case 'PREFIX':
    case 'PREFIX_NOT_EQUALS':
      return actual.startsWith(wanted);
    default:
      return actual.includes(wanted);
  }
}

function readStringFilters(field: string, value: unknown): StringFilter[] {
  if (!Array.isArray(value))
    throw invalid(`Filters.${field} must be a list of string filters`);
  return value.map((item, i) => {
    const v = item as Partial<StringFilter> | null;
    if (typeof v?.Value !== 'string' || typeof v.Comparison !== 'string') {
      throw invalid(`Filters.${field}[${i}] needs Value and Comparison`);
    }
    if (!POSITIVE.includes(v.Comparison) && !NEGATIVE.includes(v.Comparison)) {
      throw invalid(
        `Filters.${field}[${i}].Comparison ${v.Comparison} is not supported for string filters`,
      );
    }
    return { Value: v.Value, Comparison: v.Comparison };
  });
}

function stringPredicate(
  extract: Extract,
  filters: StringFilter[],
  partition: string,
): FindingPredicate {
  const positives = filters.filter(f => POSITIVE.includes(f.Comparison));
  const negatives = filters.filter(f => NEGATIVE.includes(f.Comparison));
  return finding => {
    const values = extract(finding, partition);
    if (
      positives.length > 0 &&
      !positives.some(p => values.some(v => compare(p.Comparison, v, p.Value)))
    ) {
      return false;
    }
    return negatives.every(
      n => !values.some(v => compare(n.Comparison, v, n.Value)),
    );
  };
}

function datePredicate(
  field: string,
  value: unknown,
  nowMs: number,
): FindingPredicate {
  if (!Array.isArray(value))
    throw invalid(`Filters.${field} must be a list of date filters`);
  const ranges = value.map((item, i) => {
    const v = (item ?? {}) as {
      Start?: unknown;
      End?: unknown;
      DateRange?: { Value?: unknown; Unit?: unknown };
    };
    const parse = (s: unknown, what: string) => {
      if (s === undefined) return undefined;
      const ms = typeof s === 'string' ? Date.parse(s) : NaN;
      if (Number.isNaN(ms))
        throw invalid(`Filters.${field}[${i}].${what} is not a date`);
      return ms;
    };
    if (v.DateRange) {
      if (
        typeof v.DateRange.Value !== 'number' ||
        v.DateRange.Unit !== 'DAYS'
      ) {
        throw invalid(
          `Filters.${field}[${i}].DateRange needs a numeric Value and Unit DAYS`,
        );
      }
      return { start: nowMs - v.DateRange.Value * 86_400_000, end: nowMs };
    }
    return {
      start: parse(v.Start, 'Start') ?? -Infinity,
      end: parse(v.End, 'End') ?? Infinity,
    };
  });
  const get = DATE_FIELDS[field];
  return f => {
    const t = get(f, nowMs);
    return ranges.some(r => t >= r.start && t <= r.end);
  };
}

/** Compiles the Filters of a GetFindings request into one predicate. */
export function compileFilters(
  filters: unknown,
  partition: string,
  nowMs: number,
): FindingPredicate {
  if (filters === undefined || filters === null) return () => true;
  if (typeof filters !== 'object' || Array.isArray(filters))
    throw invalid('Filters must be an object');
  const predicates: FindingPredicate[] = [];
  for (const [field, value] of Object.entries(filters)) {
    if (STRING_FIELDS[field]) {
      predicates.push(
        stringPredicate(
          STRING_FIELDS[field],
          readStringFilters(field, value),
          partition,
        ),
      );
    } else if (DATE_FIELDS[field]) {
      predicates.push(datePredicate(field, value, nowMs));
    } else {
      throw invalid(
        `The simulator does not support the filter ${field}; supported: ${[
          ...Object.keys(STRING_FIELDS),
          ...Object.keys(DATE_FIELDS),
        ].join(', ')}`,
      );
    }
  }
  return f => predicates.every(p => p(f));
}

/** Account ids named only with EQUALS, which lets the caller skip other accounts. */
export function equalsAccountIds(filters: unknown): string[] | undefined {
  const list = (filters as { AwsAccountId?: unknown } | undefined)
    ?.AwsAccountId;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  if (
    !list.every(f => f?.Comparison === 'EQUALS' && typeof f.Value === 'string')
  )
    return undefined;
  return [...new Set(list.map(f => f.Value as string))];
}
