import type { ApiError } from '@cis-aws/plugin-cis-aws-common';
import { apiErrorCode, describeApiError, explainApiError } from './errors';

const denied: ApiError = {
  service: 'sts',
  operation: 'sts:AssumeRole',
  code: 'AccessDenied',
  httpStatus: 403,
  message: 'not authorized to perform sts:AssumeRole',
};
const failed: ApiError = {
  service: 'cloudtrail',
  operation: 'cloudtrail:ListTrails',
  region: 'us-east-1',
  code: 'InternalFailure',
  httpStatus: 500,
  message: 'unknown error',
};

describe('an AWS error as the UI shows it', () => {
  it('shows the code with the HTTP status AWS answered with', () => {
    expect(apiErrorCode(denied)).toBe('AccessDenied, HTTP 403');
  });

  it('shows only the code when AWS never answered, or for a result stored before the status was kept', () => {
    const { httpStatus: _, ...timeout } = { ...failed, code: 'TimeoutError' };
    expect(apiErrorCode(timeout)).toBe('TimeoutError');
  });

  it('describes the call (service:Operation), where, code, HTTP status and message in one line', () => {
    expect(describeApiError(failed)).toBe(
      'cloudtrail:ListTrails in us-east-1: InternalFailure, HTTP 500 — unknown error',
    );
    expect(describeApiError(failed, { withMessage: false })).toBe(
      'cloudtrail:ListTrails in us-east-1: InternalFailure, HTTP 500',
    );
  });

  it('explains in plain words, keeping code and HTTP status', () => {
    expect(explainApiError(denied)).toBe(
      "The portal's reader role could not be assumed in this account (AccessDenied, HTTP 403), so nothing in it could be read.",
    );
    expect(explainApiError(failed)).toBe(
      'cloudtrail:ListTrails in us-east-1 failed (InternalFailure, HTTP 500).',
    );
  });
});
