import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Run an evaluation of one account now (`POST /v1/accounts/{id}/evaluate`).
 * It makes AWS calls on the user's behalf, so it is not a read.
 */
export const cisAwsEvaluatePermission = createPermission({
  name: 'cis-aws.account.evaluate',
  attributes: { action: 'update' },
});

export const cisAwsPermissions = [cisAwsEvaluatePermission];
