import {
  TrendResponse,
  VERDICT_SEVERITY_ORDER,
} from '@cis-aws/plugin-cis-aws-common';
import { csvField } from '../OrganizationPage/csv';

/** The series as CSV: one line per day, the compliant share in percent, counts per verdict. */
export function trendToCsv(trend: TrendResponse): string {
  const verdicts = [...VERDICT_SEVERITY_ORDER].reverse(); // PASS first
  const lines = [
    ['date', 'accounts', 'compliantPercent', ...verdicts].join(','),
  ];
  for (const point of trend.points) {
    lines.push(
      [
        point.date,
        point.accountCount,
        point.compliantShare === null
          ? undefined
          : Math.round(point.compliantShare * 1000) / 10,
        ...verdicts.map(v => point.counts[v] ?? 0),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** `cis-aws-2.4-trend-<scope>-<from>-to-<to>.csv`. */
export function trendCsvFileName(trend: TrendResponse): string {
  const scope = trend.entityRef
    ? trend.entityRef.replace(/[^A-Za-z0-9._-]+/g, '-')
    : 'organization';
  return `cis-aws-2.4-trend-${scope}-${trend.from}-to-${trend.to}.csv`;
}
