import { InputError } from '@backstage/errors';
import { isAwsAccountId, VERDICTS } from '@cis-aws/plugin-cis-aws-common';
import { z } from 'zod/v3';

/** Query values may come once or repeated (`?verdict=FAIL&verdict=ERROR`) or comma-separated. */
const list = z
  .union([z.string(), z.array(z.string())])
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
    owner: list,
    entityRef: list,
    system: list,
    search: z.string().max(200).optional(),
    orderBy: z
      .enum([
        'verdict',
        'accountId',
        'title',
        'ownerRef',
        'systemRef',
        'evaluatedAt',
      ])
      .optional(),
    order: z.enum(['asc', 'desc']).optional(),
    offset: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();

export const historyQuerySchema = z
  .object({
    from: z.string().datetime({ offset: true }).optional(),
    to: z.string().datetime({ offset: true }).optional(),
  })
  .strict();

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
      `Invalid AWS account id "${value}": expected 12 digits`,
    );
  }
  return value;
}
