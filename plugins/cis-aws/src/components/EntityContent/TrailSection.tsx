import {
  ServedTrailEvaluation,
  WARNING_DESCRIPTIONS,
} from '@cis-aws/plugin-cis-aws-common';
import { Box, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  ExemptionDetails,
  reasonExplanation,
  reasonTitle,
  VerdictStatus,
} from '../common';
import { RemediationView } from './Remediation';
import { trailRemediation } from './remediation';
import { TrailChain } from './TrailChain';

/** One trail: its verdict and why, the chain, its warnings and how to fix it. */
export function TrailSection(props: { trail: ServedTrailEvaluation }) {
  const { trail } = props;
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
          {trail.detail ? ` (${trail.detail})` : ''}
        </Typography>
      )}
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
      {trail.inheritedFrom && (
        <Alert severity="info" data-testid="inherited">
          Organization trail owned by account {trail.inheritedFrom.accountId}:
          its evaluation there applies. The facts below are what this account
          can see of it.
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
