import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Run an evaluation of one account now (`POST /v1/accounts/{id}/evaluate`).
 * It makes AWS calls on the user's behalf, so it is not a read. An owner of the
 * account (through the catalog's ownership) may evaluate it without this
 * permission, at most once per `cisAws.evaluate.minInterval`.
 */
export const cisAwsEvaluatePermission = createPermission({
  name: 'cis-aws.account.evaluate',
  attributes: { action: 'update' },
});

/**
 * Request an exception to control 2.4 for any readable account
 * (`POST /v1/accounts/{id}/exceptions`). An owner of the account (through the catalog's
 * ownership) may request one without it. A request changes nothing until a second person
 * approves it.
 */
export const cisAwsExceptionRequestPermission = createPermission({
  name: 'cis-aws.exception.request',
  attributes: { action: 'create' },
});

/**
 * Approve, reject or revoke an exception (`POST /v1/exceptions/{id}/approve|reject|revoke`).
 * The caller must also belong to a group of `cisAws.exceptions.approvers`, and may never
 * decide their own request.
 */
export const cisAwsExceptionApprovePermission = createPermission({
  name: 'cis-aws.exception.approve',
  attributes: { action: 'update' },
});

export const cisAwsPermissions = [
  cisAwsEvaluatePermission,
  cisAwsExceptionRequestPermission,
  cisAwsExceptionApprovePermission,
];
