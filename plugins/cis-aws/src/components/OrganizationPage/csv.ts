import {
  AccountSummary,
  accountReasonTitle,
} from '@cis-aws/plugin-cis-aws-common';
import { DETECTION_CSV_COLUMNS, detectionCsvValues } from '../Detection/csv';
import { failingSinceOf } from './failingSince';

/** The columns of the CSV export, in order. */
export const CSV_COLUMNS = [
  'accountId',
  'title',
  'verdict',
  'reason',
  'trailReasons',
  'reasonText',
  'ownerRef',
  'systemRef',
  'evaluatedAt',
  'verdictSince',
  'failingSince',
  'stale',
  'securityHubStatus',
  'securityHubAgrees',
  'entityRef',
  ...DETECTION_CSV_COLUMNS,
] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number];

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote, a CR or
 * a LF, with quotes doubled. A text that a spreadsheet would run as a
 * formula (leading =, +, -, @, tab or CR) gets a leading apostrophe, so
 * a catalog title cannot inject one.
 */
export function csvField(
  value: string | number | boolean | null | undefined,
): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One account as the values of CSV_COLUMNS. */
export function csvValues(
  account: AccountSummary,
): Record<CsvColumn, string | boolean | undefined> {
  const agrees = account.securityHub?.agrees;
  return {
    accountId: account.accountId,
    title: account.title,
    verdict: account.verdict,
    reason: account.reason,
    // The trails' own reasons: why an account's trail fails, not only that one does.
    trailReasons: (account.trailReasons ?? []).join(';') || undefined,
    reasonText: accountReasonTitle(account),
    ownerRef: account.ownerRef,
    systemRef: account.systemRef,
    evaluatedAt: account.evaluatedAt,
    verdictSince: account.verdictSince,
    failingSince: failingSinceOf(account),
    stale: account.stale,
    securityHubStatus: account.securityHub?.status,
    securityHubAgrees:
      agrees === null || agrees === undefined ? undefined : agrees,
    entityRef: account.entityRef,
    ...detectionCsvValues(account),
  };
}

/** The accounts as CSV: a header line, then one line per account, CRLF-separated and -terminated. */
export function accountsToCsv(accounts: readonly AccountSummary[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const account of accounts) {
    const values = csvValues(account);
    lines.push(CSV_COLUMNS.map(column => csvField(values[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** `cis-aws-2.4-accounts-YYYY-MM-DD.csv`, for the given day (UTC). */
export function csvFileName(now: Date = new Date()): string {
  return `cis-aws-2.4-accounts-${now.toISOString().slice(0, 10)}.csv`;
}
