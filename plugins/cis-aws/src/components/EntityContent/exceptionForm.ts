/**
 * The "Request exception" form as pure functions: its defaults, its validation and the request it
 * becomes; and how exceptions and their audit trail read. Dates are calendar days in the user's
 * time zone: an exception "until Dec 24" lasts to the end of that day where the requester is.
 */
import {
  CreateExceptionRequest,
  ExceptionAuditEvent,
  ExceptionListItem,
  ExceptionViewer,
} from '@cis-aws/plugin-cis-aws-common';
import { formatDateTime, trailName } from '../common';

/** How long a new exception lasts unless the requester chooses otherwise. */
export const DEFAULT_EXCEPTION_DAYS = 30;

/** Scope value of the whole account; any other value is a trail ARN. */
export const WHOLE_ACCOUNT = 'account';

export interface RequestForm {
  /** WHOLE_ACCOUNT or a trail ARN. */
  scope: string;
  reason: string;
  /** YYYY-MM-DD, the last day the exception applies. */
  expiresOn: string;
  ticketUrl: string;
}

export type RequestFormErrors = Partial<Record<keyof RequestForm, string>>;

/** YYYY-MM-DD of `date` in the user's time zone (what a date input shows). */
export function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(
    date.getDate(),
  )}`;
}

export function addDays(date: Date, days: number): Date {
  const result = new Date(date.getTime());
  result.setDate(result.getDate() + days);
  return result;
}

/** The last millisecond of a YYYY-MM-DD day in the user's time zone; undefined when malformed. */
export function endOfLocalDay(day: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const [year, month, date] = match.slice(1).map(Number);
  const end = new Date(year, month - 1, date, 23, 59, 59, 999);
  // new Date(2026, 1, 31) rolls over to March: such a day does not exist.
  if (end.getMonth() !== month - 1 || end.getDate() !== date) return undefined;
  return end;
}

export function defaultRequestForm(now: Date): RequestForm {
  return {
    scope: WHOLE_ACCOUNT,
    reason: '',
    expiresOn: localDay(addDays(now, DEFAULT_EXCEPTION_DAYS)),
    ticketUrl: '',
  };
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * What is wrong with the form, per field; empty when it can be sent. The backend checks again
 * (and alone knows the longest duration allowed): this only saves a round trip.
 */
export function validateRequestForm(
  form: RequestForm,
  now: Date,
): RequestFormErrors {
  const errors: RequestFormErrors = {};
  if (!form.reason.trim()) {
    errors.reason = 'Say why the failure should be accepted.';
  }
  const end = endOfLocalDay(form.expiresOn);
  if (!end) {
    errors.expiresOn = 'Choose the last day the exception applies.';
  } else if (end.getTime() <= now.getTime()) {
    errors.expiresOn = 'The expiry date must be in the future.';
  }
  const ticket = form.ticketUrl.trim();
  if (ticket && !isHttpUrl(ticket)) {
    errors.ticketUrl = 'A ticket link must be an http(s) URL.';
  }
  return errors;
}

/** The request a valid form becomes; optional fields left empty are not sent. */
export function toCreateRequest(form: RequestForm): CreateExceptionRequest {
  const request: CreateExceptionRequest = {
    reason: form.reason.trim(),
    expiresAt: endOfLocalDay(form.expiresOn)!.toISOString(),
  };
  if (form.scope !== WHOLE_ACCOUNT) request.trailArn = form.scope;
  const ticket = form.ticketUrl.trim();
  if (ticket) request.ticketUrl = ticket;
  return request;
}

/** "The whole account" or "Trail payments-staging-trail". */
export function exceptionScope(exception: { trailArn?: string }): string {
  return exception.trailArn
    ? `Trail ${trailName(exception.trailArn)}`
    : 'The whole account';
}

/** An exception can still be revoked (or a request withdrawn) while it may yet apply. */
export function isRevocable(item: ExceptionListItem): boolean {
  return (
    item.status === 'ACTIVE' ||
    item.status === 'SCHEDULED' ||
    item.status === 'PENDING'
  );
}

/** Whether `user` requested the exception: four eyes, they may not decide it. */
export function isOwnRequest(
  item: Pick<ExceptionListItem, 'createdBy'>,
  user: string | undefined,
): boolean {
  return (
    !!user &&
    !!item.createdBy &&
    item.createdBy.toLocaleLowerCase('en-US') ===
      user.toLocaleLowerCase('en-US')
  );
}

/** Why a decision button is disabled for this user; undefined when they may decide. */
export function decisionBlocked(
  item: ExceptionListItem,
  viewer: ExceptionViewer | undefined,
): string | undefined {
  if (item.status !== 'PENDING') return 'Only a pending request is decided.';
  if (!viewer?.approver) {
    return 'Only members of the approver groups (cisAws.exceptions.approvers) decide requests.';
  }
  if (isOwnRequest(item, viewer.entityRef)) {
    return 'You requested this exception: another approver must decide it (four eyes).';
  }
  return undefined;
}

function scopeOf(event: ExceptionAuditEvent, items: ExceptionListItem[]) {
  const item = items.find(i => i.id === event.exceptionId);
  // The list holds every exception of the account; the id is the fallback for a stale list.
  if (!item) return `the exception ${event.exceptionId}`;
  return item.trailArn
    ? `the exception for trail ${trailName(item.trailArn)}`
    : 'the exception for the whole account';
}

/** One line of the audit trail: who did what to which exception, in words. */
export function auditEventText(
  event: ExceptionAuditEvent,
  items: ExceptionListItem[],
): string {
  const scope = scopeOf(event, items);
  const until =
    typeof event.details.expiresAt === 'string'
      ? ` until ${formatDateTime(event.details.expiresAt)}`
      : '';
  const reason =
    event.comment ??
    (typeof event.details.reason === 'string' ? event.details.reason : '');
  const why = reason ? `: ${reason}` : '';
  switch (event.action) {
    case 'CREATED':
      return `granted ${scope}${until} (single step, before four eyes)`;
    case 'REQUESTED':
      return `requested ${scope}${until}`;
    case 'APPROVED':
      return `approved ${scope}${event.comment ? `: ${event.comment}` : ''}`;
    case 'REJECTED':
      return `rejected ${scope}${event.comment ? `: ${event.comment}` : ''}`;
    case 'EXPIRED':
      return `recorded that ${scope} expired`;
    case 'REMINDED': {
      const recipients = Array.isArray(event.details.recipients)
        ? ` (${event.details.recipients.join(', ')})`
        : '';
      const on =
        typeof event.details.expiresAt === 'string'
          ? ` on ${formatDateTime(event.details.expiresAt)}`
          : ' soon';
      return `reminded the owners and approvers${recipients} that ${scope} expires${on}`;
    }
    default:
      return `revoked ${scope}${why}`;
  }
}
