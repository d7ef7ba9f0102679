import { Link } from '@backstage/core-components';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import {
  ServedTrailEvaluation,
  VERDICT_DESCRIPTIONS,
  WARNING_DESCRIPTIONS,
} from '@cis-aws/plugin-cis-aws-common';
import { Box, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { ReactNode } from 'react';
import { useAccountResult } from '../../hooks';
import {
  Details,
  ExemptionDetails,
  FactList,
  reasonTitle,
  Time,
  VerdictStatus,
} from '../common';
import { TrailChain } from './TrailChain';

/**
 * The owner account, linked to its CIS 2.4 tab, where the trail's chain is judged. The owner's
 * result names its catalog entity; when the reader may not see it (or it was never evaluated),
 * the account id stands alone.
 */
function OwnerAccount(props: { accountId: string }) {
  const { accountId } = props;
  const entityLink = useEntityRefLink();
  const { value } = useAccountResult(accountId);
  if (!value?.entityRef) return <>account {accountId}</>;
  return (
    <>
      account{' '}
      <Link
        to={`${entityLink(value.entityRef)}/cis-aws`}
        data-testid="inherited-owner-link"
      >
        {value.title}
      </Link>
    </>
  );
}

/**
 * An organization trail of another account in scope: its verdict is the owner's, whose chain
 * is where it is judged, so here it is one line that links there. What this account can see of
 * it (mostly "not visible") goes behind "Details"; a warning (the owner's evaluation is stale)
 * and an exception stay in sight.
 */
export function InheritedTrail(props: { trail: ServedTrailEvaluation }) {
  const { trail } = props;
  const owner = trail.inheritedFrom!;
  const verdictWords = (
    reasonTitle(trail.reason) ?? VERDICT_DESCRIPTIONS[trail.verdict].title
  ).toLocaleLowerCase('en-US');
  const facts: [string, ReactNode][] = [
    ['Trail ARN', trail.trailArn],
    ['Owner account', owner.accountId],
    ['Verdict there', trail.verdict],
  ];
  if (trail.reason) facts.push(['Reason code', trail.reason]);
  if (trail.detail) facts.push(['Specifics', trail.detail]);
  if (owner.evaluatedAt)
    facts.push([
      "Owner's evaluation from",
      <Time iso={owner.evaluatedAt} withDate />,
    ]);
  return (
    <Box
      data-testid="trail-section"
      data-trail={trail.trailArn}
      data-inherited={owner.accountId}
      mb={2}
    >
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 8 }}
        data-testid="inherited"
      >
        <Typography variant="body1" component="h3">
          Covered by the organization trail <strong>{trail.facts.name}</strong>{' '}
          of <OwnerAccount accountId={owner.accountId} /> — {verdictWords}
        </Typography>
        <VerdictStatus verdict={trail.verdict} />
      </Box>
      {trail.exemptedBy && (
        <Alert severity="info" data-testid="trail-exemption">
          <ExemptionDetails
            exception={trail.exemptedBy}
            scope="This trail"
            underlyingVerdict={trail.underlyingVerdict}
            underlyingReason={trail.underlyingReason}
          />
        </Alert>
      )}
      {trail.warnings.map((w, i) => (
        <Alert key={i} severity="warning" data-testid="trail-warning">
          <strong>{WARNING_DESCRIPTIONS[w.code]?.title ?? w.code}</strong>:{' '}
          {WARNING_DESCRIPTIONS[w.code]?.explanation}
        </Alert>
      ))}
      <Details
        name={`Details of the organization trail ${trail.facts.name}`}
        testId="inherited-details"
      >
        <FactList facts={facts} />
        <Typography variant="body2" color="textSecondary" paragraph>
          What this account can see of it (its owner reads the rest):
        </Typography>
        <TrailChain trail={trail} />
      </Details>
    </Box>
  );
}
