import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Run an evaluation of one account now (`POST /v1/accounts/{id}/evaluate`).
 * It makes AWS calls on the user's behalf, so it is not a read.
 */
export const cisAwsEvaluatePermission = createPermission({
  name: 'cis-aws.account.evaluate',
  attributes: { action: 'update' },
});

/**
 * Grant or revoke an exception to control 2.4 (`POST /v1/accounts/{id}/exceptions`,
 * `POST /v1/exceptions/{id}/revoke`). Every use is recorded with who made it.
 */
export const cisAwsExceptionManagePermission = createPermission({
  name: 'cis-aws.exception.manage',
  attributes: { action: 'update' },
});

export const cisAwsPermissions = [
  cisAwsEvaluatePermission,
  cisAwsExceptionManagePermission,
];
