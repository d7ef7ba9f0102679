import { InfoCard, Progress } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { AccountDetectionResult } from '@cis-aws/plugin-cis-aws-common';
import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Box,
  Button,
  Typography,
} from '@material-ui/core';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { Alert } from '@material-ui/lab';
import { errorMessage, formatDateTime, relativeTime } from '../common';
import { DetectionCheckView } from './DetectionCheckView';
import { DetectionVerdictStatus } from './DetectionVerdictStatus';
import { DETECTION_TITLE, summaryLine } from './text';
import { useAccountDetection, useAccountSummary } from './useAccountDetection';

const SUBHEADER =
  'Metric filters and alarms on the integrated log group: is anyone told what happens in it?';

/** "This account takes the detection result of its organization trail's owner", with a link. */
function InheritedLine(props: { ownerAccountId: string }) {
  const { ownerAccountId } = props;
  const owner = useAccountSummary(ownerAccountId);
  return (
    <Typography variant="body2" data-testid="cis-detection-inherited">
      Covered only by an organization trail: this account takes the detection
      result of the trail's owner account{' '}
      {owner.value ? (
        <EntityRefLink entityRef={owner.value.entityRef}>
          {owner.value.title}
        </EntityRefLink>
      ) : (
        ownerAccountId
      )}
      , whose log group the trail delivers to.
    </Typography>
  );
}

function RunDetails(props: { result: AccountDetectionResult }) {
  const { result } = props;
  return (
    <Accordion variant="outlined" TransitionProps={{ unmountOnExit: true }}>
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Typography variant="body2">Details of this result</Typography>
      </AccordionSummary>
      <AccordionDetails>
        <Box data-testid="cis-detection-run-details">
          <Typography variant="body2">
            Evaluated at {formatDateTime(result.evaluatedAt)} (
            {result.evaluatedAt})
          </Typography>
          {result.failingSince && (
            <Typography variant="body2">
              Failing since {formatDateTime(result.failingSince)} (
              {result.failingSince})
            </Typography>
          )}
          {result.runId && (
            <Typography variant="body2">Run {result.runId}</Typography>
          )}
        </Box>
      </AccordionDetails>
    </Accordion>
  );
}

/** An account's detection result: its status in words, then every check it was evaluated on. */
export function DetectionResultView(props: { result: AccountDetectionResult }) {
  const { result } = props;
  return (
    <Box
      data-testid="cis-detection-result"
      data-verdict={result.verdict}
      data-account={result.accountId}
    >
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 12 }}
      >
        <DetectionVerdictStatus verdict={result.verdict} />
        <Typography variant="h6" component="p">
          {summaryLine(result)}
        </Typography>
      </Box>
      <Typography variant="body2" color="textSecondary">
        Evaluated {relativeTime(result.evaluatedAt)}
        {result.failingSince
          ? `; failing since ${relativeTime(result.failingSince)}`
          : ''}
        .
      </Typography>
      {result.inheritedFrom && (
        <InheritedLine ownerAccountId={result.inheritedFrom} />
      )}
      {result.checks.map(check => (
        <DetectionCheckView key={check.checkId} check={check} />
      ))}
      <Box mt={2}>
        <RunDetails result={result} />
      </Box>
    </Box>
  );
}

/**
 * The "Detection (CIS 3.x)" part of an account's tab, beside the 2.4 verdict and never folded
 * into it. `reload`: bump it to fetch again (after "Evaluate now").
 */
export function DetectionSection(props: {
  accountId: string;
  reload?: number;
}) {
  const { accountId, reload } = props;
  const { loading, error, value, retry } = useAccountDetection(
    accountId,
    reload,
  );
  let body;
  if (value) {
    body = <DetectionResultView result={value} />;
  } else if (loading) {
    body = <Progress />;
  } else if (error && ResponseError.is(error) && error.statusCode === 404) {
    body = (
      <Typography variant="body1" data-testid="cis-detection-not-evaluated">
        No detection result for this account yet: it has not been evaluated for
        detection content, or detection is turned off for this installation.
      </Typography>
    );
  } else if (error) {
    body = (
      <Alert
        severity="error"
        action={
          <Button color="inherit" size="small" onClick={retry}>
            Retry
          </Button>
        }
      >
        Could not load the detection result: {errorMessage(error)}
      </Alert>
    );
  }
  return (
    <InfoCard
      title={DETECTION_TITLE}
      subheader={SUBHEADER}
      // A real heading, so that the section can be found by its name (screen readers, e2e).
      titleTypographyProps={{ component: 'h3' }}
    >
      <div data-testid="cis-detection-section">{body}</div>
    </InfoCard>
  );
}
