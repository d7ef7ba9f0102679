import {
  ServedTrailEvaluation,
  TrailReasonCode,
  WARNING_DESCRIPTIONS,
} from '@cis-aws/plugin-cis-aws-common';
import { Box, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  Details,
  ExemptionDetails,
  FactList,
  reasonExplanation,
  reasonTitle,
  VerdictStatus,
} from '../common';
import { RemediationView } from './Remediation';
import { trailRemediation } from './remediation';
import { InheritedTrail } from './InheritedTrail';
import { TrailChain } from './TrailChain';

/**
 * Where the specifics of a trail's reason are shown: in the link of the chain they are about
 * (the role link holds the IAM policy simulation, the delivery link the times), so they are
 * shown once; null when no link holds them and the trail's own details do.
 */
const REASON_SHOWN_IN_LINK: Record<TrailReasonCode, string | null> = {
  API_ERROR: null,
  FOREIGN_ORG_TRAIL: null,
  NO_LOG_GROUP: 'the log group link',
  NO_ROLE: 'the IAM role link',
  LOG_GROUP_NOT_FOUND: 'the log group link',
  ROLE_NOT_FOUND: 'the IAM role link',
  ROLE_NOT_TRUSTED: 'the IAM role link',
  ROLE_CANNOT_WRITE: 'the IAM role link',
  NOT_LOGGING: 'the trail link',
  NEVER_DELIVERED: 'the delivery link',
  DELIVERY_STALE: 'the delivery link',
  EXCEPTION: null,
  HOME_REGION_UNREACHABLE: null,
};

/** The trail's codes and, unless a link of the chain shows them, the specifics of its reason. */
function TrailDetails(props: { trail: ServedTrailEvaluation }) {
  const { trail } = props;
  const facts: [string, string][] = [
    ['Trail ARN', trail.trailArn],
    ['Verdict', trail.verdict],
  ];
  if (trail.reason) facts.push(['Reason code', trail.reason]);
  if (trail.underlyingVerdict !== trail.verdict)
    facts.push([
      'Without the exception',
      `${trail.underlyingVerdict}${
        trail.underlyingReason ? `, ${trail.underlyingReason}` : ''
      }`,
    ]);
  if (trail.detail) {
    const link = trail.reason ? REASON_SHOWN_IN_LINK[trail.reason] : null;
    facts.push([
      'Specifics',
      link ? `in the details of ${link}` : trail.detail,
    ]);
  }
  return (
    <Details
      name={`Details of the trail ${trail.facts.name}`}
      testId="trail-details"
    >
      <FactList facts={facts} />
    </Details>
  );
}

/** One trail: its verdict and why, the chain, its warnings and how to fix it. */
export function TrailSection(props: { trail: ServedTrailEvaluation }) {
  const { trail } = props;
  if (trail.inheritedFrom) return <InheritedTrail trail={trail} />;
  const remediation = trailRemediation(trail);
  return (
    <Box data-testid="trail-section" data-trail={trail.trailArn} mb={4}>
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 12 }}
      >
        <Typography variant="h6" component="h3">
          Trail {trail.facts.name}
        </Typography>
        <VerdictStatus verdict={trail.verdict} />
        {trail.reason && (
          <Typography variant="body2">{reasonTitle(trail.reason)}</Typography>
        )}
        {trail.underlyingVerdict !== trail.verdict && (
          <Box
            display="flex"
            alignItems="center"
            style={{ gap: 8 }}
            data-testid="trail-underlying"
          >
            <Typography variant="body2" color="textSecondary">
              without the exception:
            </Typography>
            <VerdictStatus verdict={trail.underlyingVerdict} />
            {trail.underlyingReason && (
              <Typography variant="body2" color="textSecondary">
                {reasonTitle(trail.underlyingReason)}
              </Typography>
            )}
          </Box>
        )}
      </Box>
      {trail.reason && (
        <Typography variant="body2" color="textSecondary" paragraph>
          {reasonExplanation(trail.reason)}
        </Typography>
      )}
      <TrailDetails trail={trail} />
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
      <TrailChain trail={trail} />
      {trail.warnings.map((w, i) => (
        <Alert key={i} severity="warning" data-testid="trail-warning">
          <strong>{WARNING_DESCRIPTIONS[w.code]?.title ?? w.code}</strong>:{' '}
          {WARNING_DESCRIPTIONS[w.code]?.explanation} {w.detail}
        </Alert>
      ))}
      {remediation && <RemediationView remediation={remediation} />}
    </Box>
  );
}
