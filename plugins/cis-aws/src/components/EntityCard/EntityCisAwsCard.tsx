import { InfoCard } from '@backstage/core-components';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import { OWNER_MISSING_ANNOTATION } from '@cis-aws/plugin-cis-aws-common';
import { AccountCardBody } from './AccountCardBody';
import { AggregateCardBody } from './AggregateCardBody';
import { MalformedAnnotation } from './NotMapped';
import { cardMode } from './text';

/** @public */
export interface EntityCisAwsCardProps {
  variant?: 'gridItem';
}

/**
 * The "CIS 2.4" card: is this account, system or team passing CIS AWS 2.4 (CloudTrail
 * delivering to CloudWatch Logs), why not, who owns it and since when.
 */
export function EntityCisAwsCard(props: EntityCisAwsCardProps) {
  const { entity } = useEntity();
  const entityLink = useEntityRefLink();
  const mode = cardMode(entity);

  let body;
  switch (mode.type) {
    case 'account':
      body = (
        <AccountCardBody
          accountId={mode.accountId}
          fromOrganization={
            entity.metadata.annotations?.[OWNER_MISSING_ANNOTATION] !==
            undefined
          }
        />
      );
      break;
    case 'malformed':
      body = <MalformedAnnotation value={mode.value} message={mode.message} />;
      break;
    default:
      body = <AggregateCardBody entity={entity} />;
  }

  return (
    <InfoCard
      title="CIS 2.4"
      subheader="CloudTrail delivers to CloudWatch Logs"
      variant={props.variant}
      deepLink={{
        title: 'View details',
        link: `${entityLink(entity)}/cis-aws`,
      }}
    >
      <div data-testid="cis-aws-card">{body}</div>
    </InfoCard>
  );
}
