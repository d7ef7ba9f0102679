import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import {
  EvaluationRun,
  Verdict,
  VERDICT_DESCRIPTIONS,
  VERDICTS,
  VerdictTotals,
} from '@cis-aws/plugin-cis-aws-common';
import {
  Card,
  CardActionArea,
  CardContent,
  Grid,
  makeStyles,
  Tooltip,
  Typography,
} from '@material-ui/core';
import { relativeTime } from '../common';
import { OUTCOMES, verdictCounts } from './runText';

const useStyles = makeStyles(theme => ({
  card: { height: '100%' },
  selected: { outline: `2px solid ${theme.palette.primary.main}` },
  number: { fontWeight: 700 },
}));

/** PASS and EXEMPT over every account, floored to one decimal so a failure never shows as 100%. */
export function compliancePercent(totals: VerdictTotals): string {
  const all = VERDICTS.reduce(
    (sum, verdict) => sum + (totals[verdict] ?? 0),
    0,
  );
  if (all === 0) return '—';
  const compliant = (totals.PASS ?? 0) + (totals.EXEMPT ?? 0);
  return `${Math.floor((compliant / all) * 1000) / 10}%`;
}

function TotalCard(props: {
  label: string;
  value: string | number;
  explanation: string;
  testId: string;
  selected?: boolean;
  onClick?: () => void;
}) {
  const classes = useStyles();
  const body = (
    <CardContent>
      <Typography variant="overline">{props.label}</Typography>
      <Typography
        variant="h4"
        className={classes.number}
        data-testid={props.testId}
      >
        {props.value}
      </Typography>
    </CardContent>
  );
  return (
    <Tooltip title={props.explanation}>
      <Card
        className={`${classes.card} ${props.selected ? classes.selected : ''}`}
      >
        {props.onClick ? (
          <CardActionArea
            onClick={props.onClick}
            aria-pressed={!!props.selected}
            aria-label={`${props.label}: ${props.value}`}
          >
            {body}
          </CardActionArea>
        ) : (
          body
        )}
      </Card>
    </Tooltip>
  );
}

/** The organization's accounts per verdict; a click filters the accounts table by that verdict. */
export function TotalsHeader(props: {
  totals?: VerdictTotals;
  totalCount?: number;
  loading: boolean;
  error?: Error;
  lastRun?: EvaluationRun;
  selected: Verdict[];
  onSelect: (verdict: Verdict | undefined) => void;
}) {
  const { totals, totalCount, loading, error, lastRun, selected, onSelect } =
    props;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!totals) return loading ? <Progress /> : null;
  const onlySelected = (verdict: Verdict) =>
    selected.length === 1 && selected[0] === verdict;

  return (
    <Grid container spacing={2}>
      <Grid item xs={6} sm={4} md={2}>
        <TotalCard
          label="Compliant"
          value={compliancePercent(totals)}
          explanation="Passing and exempt accounts over all evaluated accounts."
          testId="cis-total-compliance"
        />
      </Grid>
      <Grid item xs={6} sm={4} md={2}>
        <TotalCard
          label="All accounts"
          value={totalCount ?? 0}
          explanation="Show every account."
          testId="cis-total-ALL"
          selected={selected.length === 0}
          onClick={() => onSelect(undefined)}
        />
      </Grid>
      {VERDICTS.map(verdict => (
        <Grid item xs={6} sm={4} md key={verdict}>
          <TotalCard
            label={verdict}
            value={totals[verdict] ?? 0}
            explanation={`${VERDICT_DESCRIPTIONS[verdict].title}: ${VERDICT_DESCRIPTIONS[verdict].explanation}`}
            testId={`cis-total-${verdict}`}
            selected={onlySelected(verdict)}
            onClick={() =>
              onSelect(onlySelected(verdict) ? undefined : verdict)
            }
          />
        </Grid>
      ))}
      <Grid item xs={12}>
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="cis-last-run"
        >
          {lastRunText(lastRun)}
        </Typography>
      </Grid>
    </Grid>
  );
}

function lastRunText(run: EvaluationRun | undefined): string {
  if (!run) return 'No evaluation has run yet.';
  if (run.status === 'queued') {
    return `An evaluation is queued (asked ${relativeTime(run.startedAt)}).`;
  }
  if (run.status === 'running' || !run.finishedAt) {
    return `An evaluation is running (started ${relativeTime(run.startedAt)}; ${
      run.accountsEvaluated
    } of ${run.accountsTotal} accounts done).`;
  }
  const counts = verdictCounts(run);
  const skipped =
    (run.accountsSkipped ?? 0) > 0 ? `, ${run.accountsSkipped} skipped` : '';
  return `Last evaluation ${OUTCOMES[run.status]} ${relativeTime(
    run.finishedAt,
  )}: ${run.accountsEvaluated} of ${run.accountsTotal} accounts evaluated, ${
    run.accountsErrored
  } with errors${counts ? ` (${counts})` : ''}${skipped}.`;
}
