import { InfoCard, WarningPanel } from '@backstage/core-components';
import {
  AccountDetail,
  ServedAccountEvaluation,
  VERDICT_DESCRIPTIONS,
  WARNING_DESCRIPTIONS,
  verdictSeverity,
} from '@cis-aws/plugin-cis-aws-common';
import { Box, Divider, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { ReactNode } from 'react';
import {
  dateAndAgo,
  Details,
  ExemptionDetails,
  FactList,
  formatDateTime,
  reasonExplanation,
  reasonTitle,
  relativeTime,
  Time,
  trailName,
  VerdictStatus,
} from '../common';
import { InventoryEvidence } from './InventoryEvidence';
import { RemediationView } from './Remediation';
import { accountRemediation } from './remediation';
import { TrailSection } from './TrailSection';

function SecurityHubOpinionLine(props: { detail: AccountDetail }) {
  const opinion =
    props.detail.evaluation.securityHub ?? props.detail.securityHub;
  if (!opinion)
    return (
      <Typography variant="body2">
        Security Hub: no opinion was read.
      </Typography>
    );
  let agreement = 'cannot be compared';
  if (opinion.agrees !== null)
    agreement = opinion.agrees
      ? 'agrees with this evaluation'
      : 'disagrees with this evaluation';
  const ignored =
    props.detail.evaluation.securityHub?.ignoredFindings.length ?? 0;
  return (
    <Typography variant="body2" data-testid="security-hub-opinion">
      Security Hub (CloudTrail.5) says {opinion.status}, which {agreement}
      {opinion.agrees === false
        ? ' (Security Hub only checks that a log group is configured)'
        : ''}
      .
      {ignored > 0
        ? ` ${ignored} finding(s) about trails this account no longer has are ignored.`
        : ''}
    </Typography>
  );
}

/**
 * Which trails make the account fail or undecided, by name and reason in words: the account's
 * reason says "a trail is failing", this says which and why (the codes are in the details).
 */
function BadTrailsLine(props: { evaluation: ServedAccountEvaluation }) {
  const bad = props.evaluation.trails.filter(trail =>
    ['FAIL', 'ERROR', 'UNKNOWN'].includes(trail.verdict),
  );
  if (bad.length === 0) return null;
  return (
    <Typography variant="body1" data-testid="bad-trails">
      {bad.length === 1 ? 'Trail' : 'Trails'}{' '}
      {bad
        .map(
          trail =>
            `${trailName(trail.trailArn)}: ${(
              reasonTitle(trail.reason) ??
              VERDICT_DESCRIPTIONS[trail.verdict].title
            ).toLocaleLowerCase('en-US')}`,
        )
        .join('; ')}
      .
    </Typography>
  );
}

/** The raw evidence of the account's verdict: codes, ids and exact times, for those who quote them. */
function AccountDetails(props: { detail: AccountDetail }) {
  const { detail } = props;
  const evaluation = detail.evaluation;
  const facts: [string, string][] = [
    ['Account ID', detail.accountId],
    ['Verdict', detail.verdict],
  ];
  if (detail.reason) facts.push(['Reason code', detail.reason]);
  if (evaluation.detail) facts.push(['Specifics', evaluation.detail]);
  facts.push(
    ['Evaluated at', detail.evaluatedAt],
    ['Verdict since', detail.verdictSince],
  );
  if (detail.failingSince) facts.push(['Failing since', detail.failingSince]);
  return (
    <Details name="Details of the account's result" testId="account-details">
      <FactList facts={facts} />
    </Details>
  );
}

/** The trails of one evaluation, worst first, each with its chain, warnings and remediation. */
function Trails(props: { evaluation: ServedAccountEvaluation }) {
  const trails = [...props.evaluation.trails].sort(
    (a, b) => verdictSeverity(b.verdict) - verdictSeverity(a.verdict),
  );
  return (
    <>
      {trails.map(trail => (
        <TrailSection key={trail.trailArn} trail={trail} />
      ))}
    </>
  );
}

/** One account's full result: verdict and why, every trail's chain, remediation and evidence. */
export function AccountDetailView(props: {
  detail: AccountDetail;
  actions?: ReactNode;
}) {
  const { detail, actions } = props;
  const evaluation = detail.evaluation;
  const remediation = accountRemediation(evaluation);
  const accountWarnings = evaluation.warnings.filter(w => !w.trailArn);
  const last = detail.lastDefinitive;
  return (
    <InfoCard
      title={`CIS AWS 2.4 — ${detail.title}`}
      subheader={`Account ${detail.accountId}`}
    >
      <Box data-testid="account-detail" data-account={detail.accountId}>
        <Box
          display="flex"
          alignItems="center"
          flexWrap="wrap"
          style={{ gap: 16 }}
        >
          <VerdictStatus verdict={detail.verdict} stale={detail.stale} />
          <Typography variant="h6" component="p">
            {reasonTitle(detail.reason) ??
              'Every trail delivers to CloudWatch Logs'}
          </Typography>
          <Box flexGrow={1} />
          {actions}
        </Box>
        {detail.reason && (
          <Typography variant="body1" data-testid="account-explanation">
            {reasonExplanation(detail.reason)}
          </Typography>
        )}
        <BadTrailsLine evaluation={evaluation} />
        <Typography variant="body2" color="textSecondary">
          Evaluated <Time iso={detail.evaluatedAt} withDate />
          {!(detail.failingSince && detail.verdict === 'FAIL') && (
            <>
              ;{' '}
              {VERDICT_DESCRIPTIONS[detail.verdict].title.toLocaleLowerCase(
                'en-US',
              )}{' '}
              since {dateAndAgo(detail.verdictSince)}
            </>
          )}
          .
        </Typography>
        {detail.failingSince && (
          <Typography variant="body2" data-testid="cis-aws-failing-since">
            Failing since {dateAndAgo(detail.failingSince)}
            {detail.verdict === 'FAIL'
              ? '.'
              : ': not shown to be fixed since (an error or an exception does not reset it).'}
          </Typography>
        )}
        <SecurityHubOpinionLine detail={detail} />
        <AccountDetails detail={detail} />
        {evaluation.exception && (
          <Alert severity="info" data-testid="cis-aws-account-exemption">
            <ExemptionDetails
              exception={evaluation.exception}
              underlyingVerdict={evaluation.underlyingVerdict}
              underlyingReason={evaluation.underlyingReason}
            />
          </Alert>
        )}
        {detail.stale && last && (
          <Box mt={2} data-testid="stale-banner">
            <WarningPanel
              severity="warning"
              title={`Stale: the last definitive result was ${
                last.verdict
              }, ${relativeTime(last.evaluatedAt)}`}
              defaultExpanded
            >
              The last run could not evaluate this account (
              {reasonTitle(detail.reason) ?? detail.verdict}
              {evaluation.detail ? `: ${evaluation.detail}` : ''}); the last
              definitive result was {last.verdict},{' '}
              <Time iso={last.evaluatedAt} withDate />.
            </WarningPanel>
          </Box>
        )}
        {accountWarnings.map((w, i) => (
          <Alert key={i} severity="warning">
            <strong>{WARNING_DESCRIPTIONS[w.code]?.title ?? w.code}</strong>:{' '}
            {w.detail}
          </Alert>
        ))}
        {remediation && <RemediationView remediation={remediation} />}
        <Box mt={3}>
          {evaluation.trails.length > 0 ? (
            <Trails evaluation={evaluation} />
          ) : (
            <Typography variant="body2">
              {detail.reason === 'NO_TRAILS'
                ? 'No trail was found in any scanned region.'
                : 'No trail could be read in the latest run.'}
            </Typography>
          )}
        </Box>
        {detail.stale && detail.lastDefinitiveEvaluation && (
          <Box mt={3} data-testid="last-definitive-trails">
            <Typography variant="h6" component="h3" gutterBottom>
              Trails at the last definitive result (
              {detail.lastDefinitiveEvaluation.verdict},{' '}
              {formatDateTime(detail.lastDefinitiveEvaluation.evaluatedAt)})
            </Typography>
            <Trails evaluation={detail.lastDefinitiveEvaluation} />
          </Box>
        )}
        <Divider />
        <Box mt={2}>
          <InventoryEvidence inventory={evaluation.inventory} />
        </Box>
      </Box>
    </InfoCard>
  );
}
