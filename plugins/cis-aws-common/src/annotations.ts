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
