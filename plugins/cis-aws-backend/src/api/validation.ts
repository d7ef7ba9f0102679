import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  DETECTION_VERDICTS,
  EVIDENCE_FORMATS,
  isAwsAccountId,
  VERDICTS,
} from '@cis-aws/plugin-cis-aws-common';
import { z } from 'zod/v3';

/**
 * Free text from a request: no control characters (PostgreSQL rejects a NUL byte in text, which
 * would otherwise end as a 500), at most `max` characters.
 */
export function text(max: number) {
  return z
    .string()
    .max(max)
    .refine(
      // eslint-disable-next-line no-control-regex -- control characters are what it refuses
      value => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value),
      {
        message: 'control characters are not allowed',
      },
    );
}

/** Query values may come once or repeated (`?verdict=FAIL&verdict=ERROR`) or comma-separated. */
const list = z
  .union([text(10_000), z.array(text(10_000)).max(1000)])
  .optional()
  .transform(value =>
    value === undefined
      ? undefined
      : (Array.isArray(value) ? value : [value])
          .flatMap(v => v.split(','))
          .map(v => v.trim())
          .filter(v => v !== ''),
  );

export const accountsQuerySchema = z
  .object({
    verdict: list.pipe(z.array(z.enum(VERDICTS)).optional()),
    /** The detection control's verdicts (`cis-3.x-detection`). */
    detection: list.pipe(z.array(z.enum(DETECTION_VERDICTS)).optional()),
    owner: list,
    entityRef: list,
    system: list,
    search: text(200).optional(),
    orderBy: z
      .enum([
        'verdict',
        'accountId',
        'title',
        'ownerRef',
        'systemRef',
        'evaluatedAt',
        'verdictSince',
      ])
      .optional(),
    order: z.enum(['asc', 'desc']).optional(),
    noOwner: z
      .enum(['true', 'false'])
      .transform(value => value === 'true')
      .optional(),
    mine: z
      .enum(['true', 'false'])
      .transform(value => value === 'true')
      .optional(),
    // PostgreSQL's OFFSET is a bigint: a larger number would be a database error, not a page.
    offset: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();

/**
 * An ISO 8601 date-time with a time zone. zod's `datetime` accepts any two-digit offset
 * (`+99:00`, `+24:00`) that `Date` then rejects: such a value is a 400 here, never an
 * Invalid Date further down.
 */
export const isoTime = z
  .string()
  .datetime({
    offset: true,
    message: 'expected an ISO 8601 date-time, e.g. 2026-11-24T00:00:00Z',
  })
  .refine(value => !Number.isNaN(Date.parse(value)), {
    message:
      'not a valid instant (a time zone offset is less than 24 hours), e.g. 2026-11-24T00:00:00Z',
  });

export const historyQuerySchema = z
  .object({ from: isoTime.optional(), to: isoTime.optional() })
  .strict()
  .refine(q => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
    message: '"from" must not be after "to"',
  });

const TRAIL_ARN =
  /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[A-Za-z0-9._-]{1,128}$/;

export const createExceptionSchema = z
  .object({
    trailArn: z
      .string()
      .regex(TRAIL_ARN, 'expected a CloudTrail trail ARN')
      .optional(),
    reason: text(2000).pipe(z.string().trim().min(1, 'a reason is required')),
    approvedBy: z
      .unknown()
      .refine(
        () => false,
        'is no longer accepted: a member of cisAws.exceptions.approvers approves a request with POST /v1/exceptions/{exceptionId}/approve',
      )
      .optional(),
    expiresAt: isoTime,
    ticketUrl: z
      .string()
      .url()
      .max(2000)
      .refine(url => /^https?:\/\//i.test(url), 'expected an http(s) link')
      .optional(),
  })
  .strict();

export const revokeExceptionSchema = z
  .object({ reason: text(2000).pipe(z.string().trim().min(1)).optional() })
  .strict();

export const approveExceptionSchema = z
  .object({ comment: text(2000).pipe(z.string().trim().min(1)).optional() })
  .strict();

export const rejectExceptionSchema = z
  .object({
    comment: text(2000).pipe(
      z.string().trim().min(1, 'say why the request is rejected'),
    ),
  })
  .strict();

export const exceptionsQuerySchema = z
  .object({
    status: z.enum(['ACTIVE', 'PENDING', 'EXPIRING', 'ALL']).optional(),
  })
  .strict();

export const evidenceQuerySchema = z
  .object({
    format: z.enum(EVIDENCE_FORMATS).optional(),
    at: isoTime.optional(),
  })
  .strict();

/** `POST /v1/evidence/verify`: a JSON packet to re-check, or nothing for every chain. */
export const evidenceVerifySchema = z
  .object({ packet: z.record(z.unknown()).optional() })
  .strict();

/** Which of an entity's accounts to list. */
export const entityQuerySchema = z
  .object({
    offset: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();

const utcDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a day as YYYY-MM-DD')
  .refine(
    day => {
      const parsed = new Date(`${day}T00:00:00Z`);
      return (
        !Number.isNaN(parsed.getTime()) &&
        parsed.toISOString().slice(0, 10) === day
      );
    },
    { message: 'is not a calendar day' },
  );

export const trendsQuerySchema = z
  .object({
    entityRef: text(1000)
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || value.trim() === '') return undefined;
        try {
          return stringifyEntityRef(parseEntityRef(value.trim()));
        } catch {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: 'expected an entity ref such as group:default/team-a',
          });
          return z.NEVER;
        }
      }),
    from: utcDay.optional(),
    to: utcDay.optional(),
    groupBy: z.enum(['day']).optional(),
  })
  .strict()
  .refine(q => !q.from || !q.to || q.from <= q.to, {
    message: '"from" must not be after "to"',
  });

/** `GET /v1/owners`: the period of the time to fix (UTC days, inclusive). */
export const ownersQuerySchema = z
  .object({ from: utcDay.optional(), to: utcDay.optional() })
  .strict()
  .refine(q => !q.from || !q.to || q.from <= q.to, {
    message: '"from" must not be after "to"',
  });

/** Routes that take no query parameters say so instead of ignoring a misspelt one. */
export const noQuerySchema = z.object({}).strict();

export const runsQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(200).optional() })
  .strict();

/** Parses or throws an InputError (400) naming what is wrong. */
export function parseInput<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map(issue => `${issue.path.join('.') || 'query'}: ${issue.message}`)
      .join('; ');
    throw new InputError(`Invalid request: ${problems}`);
  }
  return parsed.data;
}

export function parseAccountId(value: string): string {
  if (!isAwsAccountId(value)) {
    throw new InputError(
      `Invalid AWS account id "${value.slice(0, 64)}": expected 12 digits`,
    );
  }
  return value;
}

/** Run ids are UUIDs; anything else cannot name one. */
export function parseRunId(value: string): string {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(value)) {
    throw new InputError(`Invalid run id "${value.slice(0, 64)}"`);
  }
  return value;
}

/** Exception ids are UUIDs; anything else cannot name one. */
export function parseExceptionId(value: string): string {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(value)) {
    throw new InputError(`Invalid exception id "${value.slice(0, 64)}"`);
  }
  return value;
}

/** One part of an entity ref in a path (kind, namespace or name). */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const ENTITY_REF_PART = /^[^\u0000-\u001f\u007f:/]{1,253}$/;

/** The entity ref of `/v1/entities/:kind/:namespace/:name`. */
export function parseEntityRefParams(params: {
  kind: string;
  namespace: string;
  name: string;
}): { kind: string; namespace: string; name: string } {
  for (const [part, value] of Object.entries(params)) {
    if (!ENTITY_REF_PART.test(value)) {
      throw new InputError(
        `Invalid entity ref: ${part} must be 1 to 253 characters without ':', '/' or control characters`,
      );
    }
  }
  return params;
}
