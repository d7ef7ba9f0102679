import type {
  DetectionChainLink,
  DetectionCheckResult,
  PatternJudgement,
} from '@cis-aws/plugin-cis-aws-common';
import { detectionCheck } from '@cis-aws/plugin-cis-aws-common';
import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Box,
  Button,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { Alert } from '@material-ui/lab';
import { ReactNode, useState } from 'react';
import { describeApiError, formatDateTime } from '../common';
import { DetectionRemediationView } from './DetectionRemediationView';
import { DetectionVerdictStatus } from './DetectionVerdictStatus';
import { detectionRemediation } from './remediation';
import {
  checkHeading,
  checkSentence,
  decisiveJudgement,
  eventDescription,
  judgeName,
  outcomeLabel,
  warningText,
} from './text';

const breakAnywhere = { overflowWrap: 'anywhere' as const };

function Fact(props: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Typography
      variant="body2"
      data-testid={props.testId}
      style={breakAnywhere}
    >
      <strong>{props.label}:</strong> {props.children}
    </Typography>
  );
}

function topicName(arn: string): string {
  return arn.split(':').pop() ?? arn;
}

/**
 * The alarm's state when it was read, and since when: informative (the verdict does not
 * depend on it), but ALARM means the event has happened and someone should be looking.
 */
function alarmStateText(
  chain: DetectionChainLink,
  insufficientSince: string | undefined,
): string {
  if (insufficientSince) {
    return `, state INSUFFICIENT_DATA since ${formatDateTime(
      insufficientSince,
    )}`;
  }
  if (!chain.alarmState) return '';
  const since = chain.alarmStateUpdatedAt
    ? ` since ${formatDateTime(chain.alarmStateUpdatedAt)}`
    : '';
  const meaning =
    chain.alarmState === 'ALARM' ? ' (alerting: the event has been seen)' : '';
  return `, state ${chain.alarmState}${since}${meaning}`;
}

/** The chain as far as it got: filter, metric, alarm, topic, subscribers. */
function ChainFacts(props: { check: DetectionCheckResult }) {
  const { check } = props;
  const chain = check.chain;
  const judgement = decisiveJudgement(check);
  const insufficient = check.warnings.find(
    w => w.code === 'ALARM_INSUFFICIENT_DATA',
  );
  return (
    <Box mt={1} data-testid="cis-detection-chain">
      {judgement && (
        <Fact label="Metric filter" testId="cis-detection-filter">
          {judgement.filterName} — pattern{' '}
          <code>{judgement.filterPattern}</code>
        </Fact>
      )}
      {chain && (
        <Fact label="Metric">
          {chain.metricNamespace}/{chain.metricName}
        </Fact>
      )}
      {chain?.alarmName && (
        <Fact label="Alarm" testId="cis-detection-alarm">
          {chain.alarmName}, actions{' '}
          {chain.alarmActionsEnabled ? 'enabled' : 'disabled'}
          {alarmStateText(
            chain,
            insufficient?.code === 'ALARM_INSUFFICIENT_DATA'
              ? insufficient.since
              : undefined,
          )}
        </Fact>
      )}
      {chain?.topicArn && (
        <Fact label="SNS topic" testId="cis-detection-topic">
          {topicName(chain.topicArn)}
        </Fact>
      )}
      {chain?.topicArn && (
        <Fact label="Subscribers" testId="cis-detection-subscribers">
          {chain.confirmedSubscriptions ?? 0} confirmed,{' '}
          {chain.pendingSubscriptions ?? 0} pending confirmation
        </Fact>
      )}
    </Box>
  );
}

/** What one filter's pattern did with the check's canonical events, and who judged it. */
function TestEvents(props: {
  check: DetectionCheckResult;
  judgement: PatternJudgement;
}) {
  const { check, judgement } = props;
  if (judgement.state === 'NOT_EVALUATED') {
    return (
      <Typography variant="body2">
        The pattern of filter {judgement.filterName} could not be judged:{' '}
        {judgement.message}
      </Typography>
    );
  }
  const missed = judgement.missed.length;
  const unrelated = judgement.unrelatedMatched.length;
  return (
    <Box data-testid="cis-detection-events" data-filter={judgement.filterName}>
      <Typography variant="body2">
        Test events for filter {judgement.filterName}, judged by{' '}
        {judgeName(judgement.source)}:{' '}
        {missed ? `${missed} missed` : 'every event to detect matched'}
        {unrelated ? `, ${unrelated} unrelated matched` : ''}.
      </Typography>
      {/* Every event as it should be: the table is one click away, not a page of green rows. */}
      <EventTable
        check={check}
        judgement={judgement}
        open={missed > 0 || unrelated > 0}
      />
    </Box>
  );
}

/** The test events one by one; closed behind a button unless `open`. */
function EventTable(props: {
  check: DetectionCheckResult;
  judgement: Extract<PatternJudgement, { state: 'JUDGED' }>;
  open: boolean;
}) {
  const { check, judgement } = props;
  const [shown, setShown] = useState(props.open);
  const count = judgement.outcomes.length;
  return (
    <>
      {!props.open && (
        <Button
          size="small"
          aria-expanded={shown}
          onClick={() => setShown(!shown)}
        >
          {shown ? 'Hide the test events' : `Show the ${count} test events`}
        </Button>
      )}
      {shown && (
        <Table
          size="small"
          aria-label={`Test events for ${judgement.filterName}`}
        >
          <TableHead>
            <TableRow>
              <TableCell>Event</TableCell>
              <TableCell>Should</TableCell>
              <TableCell>Result</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {judgement.outcomes.map(outcome => {
              const wrong = (outcome.expected === 'MATCH') !== outcome.matched;
              return (
                <TableRow
                  key={`${outcome.expected}-${outcome.eventId}`}
                  data-testid="cis-detection-event"
                  data-outcome={outcomeLabel(outcome)}
                >
                  <TableCell style={breakAnywhere}>
                    {outcome.eventId}
                    <Typography
                      variant="caption"
                      display="block"
                      color="textSecondary"
                    >
                      {eventDescription(check.checkId, outcome.eventId)}
                    </Typography>
                  </TableCell>
                  <TableCell>
                    {outcome.expected === 'MATCH' ? 'match' : 'not match'}
                  </TableCell>
                  <TableCell>
                    <Typography
                      variant="body2"
                      color={wrong ? 'error' : 'textPrimary'}
                    >
                      {outcomeLabel(outcome)}
                    </Typography>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </>
  );
}

/** ARNs, the log group, every other filter judged: behind a disclosure. */
function Details(props: { check: DetectionCheckResult }) {
  const { check } = props;
  const decisive = decisiveJudgement(check);
  const others = check.judgements.filter(j => j !== decisive);
  return (
    <Accordion variant="outlined" TransitionProps={{ unmountOnExit: true }}>
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Typography variant="body2">Details of {check.checkId}</Typography>
      </AccordionSummary>
      <AccordionDetails>
        <Box data-testid="cis-detection-details" style={breakAnywhere}>
          {check.logGroup && (
            <Fact label="Log group">
              {check.logGroup.name} ({check.logGroup.arn})
            </Fact>
          )}
          {check.chain?.topicArn && (
            <Fact label="Topic ARN">{check.chain.topicArn}</Fact>
          )}
          <Fact label="Benchmark pattern">
            <code>{detectionCheck(check.checkId).benchmarkPattern}</code>
          </Fact>
          <Fact label="Why">{check.detail}</Fact>
          {others.length > 0 && (
            <Box mt={1}>
              <Typography variant="subtitle2" component="p">
                Other filters on the log group
              </Typography>
              {others.map(j => (
                <Typography
                  key={j.filterName}
                  variant="body2"
                  data-testid="cis-detection-other-filter"
                >
                  {j.filterName}: <code>{j.filterPattern}</code>{' '}
                  {j.state === 'JUDGED'
                    ? `— misses ${j.missed.length} of ${
                        j.outcomes.filter(o => o.expected === 'MATCH').length
                      } events to detect (judged by ${judgeName(j.source)})`
                    : `— not judged: ${j.message}`}
                </Typography>
              ))}
            </Box>
          )}
        </Box>
      </AccordionDetails>
    </Accordion>
  );
}

/** One detection check: plain words first, then the chain, the test events, warnings and the fix. */
export function DetectionCheckView(props: { check: DetectionCheckResult }) {
  const { check } = props;
  const headingId = `cis-detection-check-${check.checkId.replace('.', '-')}`;
  const judgement = decisiveJudgement(check);
  const remediation = detectionRemediation(check);
  return (
    <Box
      component="section"
      aria-labelledby={headingId}
      data-testid="cis-detection-check"
      data-check={check.checkId}
      data-verdict={check.verdict}
      data-reason={check.reason}
      mt={3}
    >
      <Typography variant="h6" component="h4" id={headingId}>
        {checkHeading(check.checkId)}
      </Typography>
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 12 }}
      >
        <DetectionVerdictStatus verdict={check.verdict} />
        <Typography
          variant="body1"
          data-testid="cis-detection-sentence"
          style={breakAnywhere}
        >
          {checkSentence(check)}
        </Typography>
      </Box>
      <ChainFacts check={check} />
      {check.errors.map((error, i) => (
        <Alert key={i} severity="error" style={breakAnywhere}>
          {describeApiError(error)}
        </Alert>
      ))}
      {check.warnings.map((warning, i) => (
        <Alert
          key={i}
          severity="warning"
          data-testid="cis-detection-warning"
          style={breakAnywhere}
        >
          {warningText(warning)}
        </Alert>
      ))}
      {judgement && (
        <Box mt={1}>
          <TestEvents check={check} judgement={judgement} />
        </Box>
      )}
      {remediation && <DetectionRemediationView remediation={remediation} />}
      {check.verdict !== 'NOT_APPLICABLE' && (
        <Box mt={1}>
          <Details check={check} />
        </Box>
      )}
    </Box>
  );
}
