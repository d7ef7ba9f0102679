import type { ApiError } from './facts';
import type { EvaluationRunStatus } from './api';

/**
 * `GET /v1/diagnostics` (admins): can the backend reach what an evaluation needs — Security
 * Hub's administrator and its CloudTrail.5 findings, Organizations, each account's reader role,
 * the reader role's detection actions.
 * Without it a wrong Security Hub administrator shows only as every account's opinion missing.
 */

/**
 * OK: works. PROBLEM: does not work, and `hint` says what to do. UNKNOWN: not known (not
 * evaluated yet and not probed). SKIPPED: not configured or not needed.
 */
export const DIAGNOSTIC_STATUSES = [
  'OK',
  'PROBLEM',
  'UNKNOWN',
  'SKIPPED',
] as const;
export type DiagnosticStatus = (typeof DIAGNOSTIC_STATUSES)[number];

export interface DiagnosticCheck {
  status: DiagnosticStatus;
  /** What was found, in one sentence. */
  summary: string;
  /** What to do about a PROBLEM (or an UNKNOWN), in plain words. */
  hint?: string;
  /** The call that failed, when one did. */
  error?: ApiError;
  /** LIVE: asked AWS now. LAST_RUN: read from the last recorded result. */
  source: 'LIVE' | 'LAST_RUN' | 'CONFIG';
  /** When the answer was obtained (the result's evaluation time for LAST_RUN). */
  checkedAt: string;
}

export interface SecurityHubDiagnostic extends DiagnosticCheck {
  /** `cisAws.securityHub.administratorAccountId`. */
  administratorAccountId?: string;
  region: string;
  /** Active CloudTrail.5 findings the administrator sees, as far as they were counted. */
  findings?: number;
  /** True when there are more findings than were counted (the count reads a few pages). */
  findingsCapped?: boolean;
}

export interface OrganizationsDiagnostic extends DiagnosticCheck {
  /** The organization (`o-…`), when it was read. */
  organizationId?: string;
  /** The account whose reader role asked. */
  askedFromAccountId?: string;
}

export interface ReaderRoleDiagnostic extends DiagnosticCheck {
  accountId: string;
  title?: string;
}

/** One action detection collection needs, as the reader role answered it. */
export interface DetectionActionDiagnostic {
  /** `logs:DescribeMetricFilters`, `logs:TestMetricFilter`, `cloudwatch:DescribeAlarmsForMetric`, `sns:ListSubscriptionsByTopic`. */
  action: string;
  /** OK: allowed. PROBLEM: refused. UNKNOWN: the call failed otherwise. SKIPPED: not needed. */
  status: DiagnosticStatus;
  /** What it means, in one sentence. */
  summary: string;
  /** The refusal (or other failure), when the call did not answer. */
  error?: ApiError;
}

/**
 * Whether the reader role may call what detection content needs (CIS 3.x): each action called
 * once, live, in one account. SKIPPED when detection is turned off.
 */
export interface DetectionDiagnostic extends DiagnosticCheck {
  /** The account whose reader role was asked. */
  askedFromAccountId?: string;
  region?: string;
  actions: DetectionActionDiagnostic[];
}

export interface DiagnosticsReport {
  generatedAt: string;
  securityHub: SecurityHubDiagnostic;
  organizations: OrganizationsDiagnostic;
  /** The reader role's permissions for detection content (`cisAws.detection`). */
  detection: DetectionDiagnostic;
  /** One per account of the catalog, problems first. */
  readerRoles: ReaderRoleDiagnostic[];
  readerRoleTotals: Record<DiagnosticStatus, number>;
  /** The last finished evaluation run, when there is one. */
  lastRun?: {
    id: string;
    startedAt: string;
    finishedAt?: string;
    status: EvaluationRunStatus;
    /** Run-level problems it recorded (Security Hub unreadable, catalog unreadable…). */
    errors: string[];
  };
}
