import { ServiceName } from '../world/schema';

export type Protocol = 'query' | 'json' | 'restJson' | 'rpcv2Cbor';

/**
 * An error as a service answers it. The protocol serializers turn it into an
 * XML ErrorResponse (query) or a JSON body + x-amzn-ErrorType (JSON, REST-JSON).
 */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  readonly fault: 'Sender' | 'Receiver';
  /** awsQuery-compatible services (CloudTrail) also send `x-amzn-query-error: queryCode;fault`. */
  readonly queryCode?: string;

  constructor(
    code: string,
    message: string,
    status = 400,
    options: { queryCode?: string; fault?: 'Sender' | 'Receiver' } = {},
  ) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
    this.fault = options.fault ?? (status >= 500 ? 'Receiver' : 'Sender');
    this.queryCode = options.queryCode;
  }
}

export const INVALID_TOKEN_MESSAGE =
  'The security token included in the request is invalid.';

/** Credentials unknown, or used in a region that is not enabled for their account. */
export function invalidToken(protocol: Protocol): AwsError {
  return protocol === 'query'
    ? new AwsError('InvalidClientTokenId', INVALID_TOKEN_MESSAGE, 403)
    : new AwsError('UnrecognizedClientException', INVALID_TOKEN_MESSAGE, 400);
}

export function expiredToken(protocol: Protocol): AwsError {
  return protocol === 'query'
    ? new AwsError(
        'ExpiredToken',
        'The security token included in the request is expired',
        403,
      )
    : new AwsError(
        'ExpiredTokenException',
        'The security token included in the request is expired',
        400,
      );
}

export function missingAuthentication(protocol: Protocol): AwsError {
  return protocol === 'query'
    ? new AwsError(
        'MissingAuthenticationToken',
        'Request is missing Authentication Token',
        403,
      )
    : new AwsError(
        'MissingAuthenticationTokenException',
        'Missing Authentication Token',
        400,
      );
}

/** Each service's real throttling error. */
export function throttled(service: ServiceName): AwsError {
  switch (service) {
    case 'sts':
    case 'iam':
      return new AwsError('Throttling', 'Rate exceeded', 400);
    case 'cloudwatch':
      return new AwsError('Throttling', 'Rate exceeded', 400, {
        queryCode: 'Throttling',
      });
    case 'sns':
      return new AwsError('Throttled', 'Rate exceeded', 429);
    case 'organizations':
      return new AwsError(
        'TooManyRequestsException',
        'You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.',
        400,
      );
    case 'securityhub':
      return new AwsError('TooManyRequestsException', 'Rate exceeded', 429);
    default:
      return new AwsError('ThrottlingException', 'Rate exceeded', 400, {
        queryCode: 'ThrottlingException',
      });
  }
}

export function accessDenied(
  protocol: Protocol,
  principalArn: string,
  action: string,
): AwsError {
  const message = `User: ${principalArn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;
  return protocol === 'query'
    ? new AwsError('AccessDenied', message, 403)
    : new AwsError('AccessDeniedException', message, 403, {
        queryCode: 'ResourceAccessDenied',
      });
}

/**
 * Access denied by a service control policy of the organization, worded as AWS words it since it
 * names the policy type in access-denied messages (e.g. an SCP that denies a region through
 * aws:RequestedRegion).
 */
export function deniedByScp(
  protocol: Protocol,
  principalArn: string,
  action: string,
): AwsError {
  const message = `User: ${principalArn} is not authorized to perform: ${action} with an explicit deny in a service control policy`;
  return protocol === 'query'
    ? new AwsError('AccessDenied', message, 403)
    : new AwsError('AccessDeniedException', message, 403, {
        queryCode: 'ResourceAccessDenied',
      });
}

export function serverError(status: 500 | 503): AwsError {
  return status === 503
    ? new AwsError(
        'ServiceUnavailable',
        'Service is unavailable. Please try again later.',
        503,
      )
    : new AwsError(
        'InternalFailure',
        'The request processing has failed because of an unknown error, exception or failure.',
        500,
      );
}

export function unknownOperation(
  protocol: Protocol,
  operation: string,
): AwsError {
  return protocol === 'query'
    ? new AwsError(
        'InvalidAction',
        `Could not find operation ${operation} for version`,
        400,
      )
    : new AwsError(
        'UnknownOperationException',
        `The simulator does not implement ${operation}`,
        400,
      );
}
