import { ApiError } from '@cis-aws/plugin-cis-aws-common';

/** The parts of an AWS SDK v3 error this product reads. */
interface SdkErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null
    ? (error as SdkErrorShape)
    : { message: String(error) };
}

/** The AWS error code of a failed call (`AccessDeniedException`, `TimeoutError`…). */
export function errorCode(error: unknown): string {
  const e = shape(error);
  return e.name && e.name !== 'Error'
    ? e.name
    : e.code ?? e.Code ?? 'UnknownError';
}

const SECRET_PATTERNS: RegExp[] = [
  // access key ids and session tokens must never reach results or logs
  /\b(AKIA|ASIA)[A-Z0-9]{12,}\b/g,
  /(X-Amz-Security-Token|SessionToken|SecretAccessKey)[=:]\s*\S+/gi,
];

/** An error message without anything that looks like a credential. */
export function redact(message: string): string {
  return SECRET_PATTERNS.reduce(
    (text, pattern) => text.replace(pattern, '[redacted]'),
    message,
  );
}

/** A failed call as evidence: operation, region, code and a redacted message. */
export function toApiError(
  operation: string,
  error: unknown,
  region?: string,
): ApiError {
  const e = shape(error);
  return {
    operation,
    ...(region ? { region } : {}),
    code: errorCode(error),
    message: redact(e.message ?? 'no message'),
  };
}

const NOT_FOUND_CODES = new Set([
  'TrailNotFoundException',
  'NoSuchEntity',
  'NoSuchEntityException',
  'ResourceNotFoundException',
]);

export function isNotFound(error: unknown): boolean {
  return NOT_FOUND_CODES.has(errorCode(error));
}

const ACCESS_DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
]);

export function isAccessDenied(error: unknown): boolean {
  return ACCESS_DENIED_CODES.has(errorCode(error));
}

/**
 * How AWS answers a call into a region that is not enabled for the account
 * (an opt-in region): the credentials are not recognised there.
 */
const REGION_DISABLED_CODES = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'AuthFailure',
  'OptInRequired',
]);

export function isRegionDisabled(error: unknown): boolean {
  return REGION_DISABLED_CODES.has(errorCode(error));
}
