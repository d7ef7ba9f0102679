import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  AWS_ACCOUNT_ID_ANNOTATION,
  parseAccountAnnotation,
} from '@cis-aws/plugin-cis-aws-common';
import { AccountContent } from './AccountContent';
import { EntityAccounts } from './EntityAccounts';

/**
 * The "CIS 2.4" tab. An entity annotated with exactly one account id shows that account's
 * detail; any other (system, team, several accounts) lists its accounts, failing first.
 */
export function EntityCisAwsContent() {
  const { entity } = useEntity();
  const annotation = entity.metadata.annotations?.[AWS_ACCOUNT_ID_ANNOTATION];
  const parsed = annotation ? parseAccountAnnotation(annotation) : undefined;
  if (parsed?.ok && parsed.accountIds.length === 1) {
    return <AccountContent accountId={parsed.accountIds[0]} />;
  }
  return <EntityAccounts entityRef={stringifyEntityRef(entity)} />;
}
