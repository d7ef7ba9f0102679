import { Entity } from '@backstage/catalog-model';
import { AWS_ACCOUNT_ID_ANNOTATION } from '@cis-aws/plugin-cis-aws-common';

/**
 * Whether the CIS 2.4 card and tab belong on an entity's page: entities that
 * carry the account annotation, systems (their accounts) and groups (the
 * accounts they own). For any other entity they would only say "not mapped".
 */
export function isCisAwsAvailable(entity: Entity): boolean {
  const kind = entity.kind.toLocaleLowerCase('en-US');
  return (
    Boolean(entity.metadata.annotations?.[AWS_ACCOUNT_ID_ANNOTATION]) ||
    kind === 'system' ||
    kind === 'group'
  );
}
