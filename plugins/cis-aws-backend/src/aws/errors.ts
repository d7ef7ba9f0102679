import { ApiError } from '@cis-aws/plugin-cis-aws-common';

/** The parts of an AWS SDK v3 error this product reads. */
interface SdkErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  /** The raw answer, kept by the SDK when its body could not be parsed as an AWS error. */
  $response?: { statusCode?: number };
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

export const REDACTED = '[redacted]';

/**
 * Credential-like material that must never reach results, logs or evidence packets. A keyed
 * secret keeps its key (`SecretAccessKey=[redacted]`) so a reader still sees what was there.
 * Principal unique ids (AIDA…, AROA…) are not secrets and appear in trust policies: kept.
 */
const SECRET_PATTERNS: { pattern: RegExp; replacement: string }[] = [
  // PEM private keys, whole
  {
    pattern:
      /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
    replacement: REDACTED,
  },
  // an Authorization header's value, whatever its scheme (Bearer, AWS4-HMAC-SHA256, Basic)
  {
    pattern:
      /\b(Authorization)(\\?["']?\s*[:=]\s*\\?["']?)(?!\s*\\?\[redacted)[^\r\n"'\\]+/gi,
    replacement: `$1$2${REDACTED}`,
  },
  {
    pattern: /\b(Bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*/g,
    replacement: `$1 ${REDACTED}`,
  },
  // JSON web tokens: Backstage user and service tokens, OIDC tokens
  {
    pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
    replacement: REDACTED,
  },
  // access key ids (long-term AKIA, temporary ASIA, bearer ABIA, context ACCA), also glued to
  // other letters: a policy statement's Sid allows only [A-Za-z0-9] ("DenyAKIA…")
  {
    pattern: /(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,}/g,
    replacement: REDACTED,
  },
  // secret keys, session tokens and signatures named as such (k=v, k: v, "k":"v", JSON in JSON)
  {
    pattern:
      /\b((?:aws_?)?secret_?access_?key|(?:aws_?)?session_?token|x-amz-security-token|security_?token|x-amz-signature|client_?secret|password)(\\?["']?\s*[=:]\s*\\?["']?)(?!\[redacted\])[^\s"'\\&,;}\]<>]+/gi,
    replacement: `$1$2${REDACTED}`,
  },
  { pattern: /\b(Signature=)[0-9a-f]{64}\b/g, replacement: `$1${REDACTED}` },
];

/**
 * Shorter "known secrets" are not redacted wherever they occur: a short string is as likely to be
 * an ordinary word as a secret.
 */
const MIN_KNOWN_SECRET_LENGTH = 8;

/**
 * `text` without anything that looks like a credential, and how many were found. `knownSecrets`
 * (e.g. configured static tokens) are redacted wherever they occur.
 */
export function redactCounting(
  text: string,
  knownSecrets: readonly string[] = [],
): { text: string; redactions: number } {
  let redactions = 0;
  let result = text;
  for (const secret of knownSecrets) {
    if (secret.length < MIN_KNOWN_SECRET_LENGTH) continue;
    const parts = result.split(secret);
    redactions += parts.length - 1;
    result = parts.join(REDACTED);
  }
  for (const { pattern, replacement } of SECRET_PATTERNS) {
    redactions += result.match(pattern)?.length ?? 0;
    result = result.replace(pattern, replacement);
  }
  return { text: result, redactions };
}

/** An error message without anything that looks like a credential. */
export function redact(message: string): string {
  return redactCounting(message).text;
}

/**
 * The HTTP status of a failed call: from the SDK's `$metadata`, or from the raw `$response` when
 * the body could not be parsed (a 500 HTML page, a 403 with an unreadable body). Undefined when
 * AWS never answered (timeout, connection reset).
 */
export function httpStatusOf(error: unknown): number | undefined {
  const e = shape(error);
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  return typeof status === 'number' && status > 0 ? status : undefined;
}

/**
 * A failed call as evidence: service, operation, region, code, HTTP status and a redacted
 * message. `operation` is `service:Operation`, the service its IAM prefix.
 */
export function toApiError(
  operation: string,
  error: unknown,
  region?: string,
): ApiError {
  const e = shape(error);
  const httpStatus = httpStatusOf(error);
  return {
    service: operation.split(':')[0],
    operation,
    ...(region ? { region } : {}),
    code: errorCode(error),
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    message: redact(e.message ?? 'no message'),
  };
}

const NOT_FOUND_CODES = new Set([
  'TrailNotFoundException',
  'NoSuchEntity',
  'NoSuchEntityException',
  'ResourceNotFoundException',
  // SNS: the wire code is NotFound; the SDK throws it as NotFoundException (its name).
  'NotFound',
  'NotFoundException',
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

/** What the SDK throws when an answer's body is not an AWS error it can parse. */
const UNPARSED_CODES = new Set(['SyntaxError', 'UnknownError']);

/**
 * Access denied by its code, or a 403 whose body could not be parsed (a proxy's or gateway's
 * page): nothing else answers 403 without a code.
 */
export function isAccessDenied(error: unknown): boolean {
  const code = errorCode(error);
  return (
    ACCESS_DENIED_CODES.has(code) ||
    (UNPARSED_CODES.has(code) && httpStatusOf(error) === 403)
  );
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

/**
 * Access denied by a service control policy. Assumed (unverified): AWS names the kind of policy
 * in access-denied messages ("… with an explicit deny in a service control policy"), which it
 * has done since 2021 for most services. A plain AccessDenied without that wording stays what it
 * was: the reader role lacks a permission, an inventory error.
 */
export function isDeniedByScp(error: unknown): boolean {
  return (
    isAccessDenied(error) &&
    /service control polic/i.test(shape(error).message ?? '')
  );
}

/**
 * A region this account cannot call at all: not enabled for it (opt-in), or denied to it by a
 * service control policy. Not an error of the account: such a region is skipped.
 */
export function isRegionUnreachable(error: unknown): boolean {
  return isRegionDisabled(error) || isDeniedByScp(error);
}
