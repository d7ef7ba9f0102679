/**
 * The AWS account an entity stands for, 12 digits, in the convention of
 * `@backstage/plugin-catalog-backend-module-aws`. On a `kind: Resource`,
 * `spec.type: cloud-account` entity it makes that entity the account's home
 * in the catalog (its owner owns the account). Any other entity may carry it
 * too, with one or more ids separated by commas, to map itself to accounts.
 */
export const AWS_ACCOUNT_ID_ANNOTATION = 'amazonaws.com/account-id';

const ACCOUNT_ID = /^\d{12}$/;

export function isAwsAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value);
}

export type ParsedAccountAnnotation =
  | { ok: true; accountIds: string[] }
  | { ok: false; message: string };

/** Parses the annotation's value: ids separated by commas or white space. */
export function parseAccountAnnotation(value: string): ParsedAccountAnnotation {
  const parts = value
    .split(/[\s,]+/)
    .map(part => part.trim())
    .filter(part => part !== '');
  if (parts.length === 0) {
    return {
      ok: false,
      message: 'the annotation is empty; expected a 12-digit AWS account id',
    };
  }
  const invalid = parts.filter(part => !isAwsAccountId(part));
  if (invalid.length > 0) {
    return {
      ok: false,
      message: `not a 12-digit AWS account id: ${invalid
        .map(v => `"${v}"`)
        .join(', ')}`,
    };
  }
  return { ok: true, accountIds: [...new Set(parts)] };
}

/**
 * Set to `'true'` on a cloud-account Resource whose account has no usable
 * owner (the AWS Organizations entity provider writes it when the owner tag is
 * missing or invalid). `spec.owner` still names a placeholder group, because a
 * Resource must have one; this annotation says that nobody really owns it, so
 * its failures cannot be routed to a team.
 */
export const OWNER_MISSING_ANNOTATION = 'cis-aws.io/owner-missing';

/**
 * The account's state in AWS Organizations (`ACTIVE`, `SUSPENDED`,
 * `PENDING_CLOSURE`, `CLOSED`, ...). An account whose entity carries any
 * value other than `ACTIVE` is not evaluated: a suspended or closed account
 * has no CloudTrail anyone can fix, and reading it can only fail.
 */
export const ACCOUNT_STATUS_ANNOTATION = 'cis-aws.io/account-status';
