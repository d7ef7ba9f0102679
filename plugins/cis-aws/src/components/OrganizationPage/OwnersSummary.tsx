import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  OwnerFailureAge,
  OwnersResponse,
} from '@cis-aws/plugin-cis-aws-common';
import {
  makeStyles,
  Button,
  ButtonGroup,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import {
  VerdictCountCells,
  VerdictCountHeaderCells,
} from './VerdictCountCells';
import { formatDuration } from '../common/duration';
import { formatDateTime } from '../common/text';
import { TREND_PERIODS } from '../Trends';
import { DetectionRollupCell, DetectionRollupHeaderCell } from '../Detection';

/**
 * Backstage's theme breaks table cells' words anywhere, which split the narrow count headers
 * ("FA IL", "Tot al"); these cells hold words and numbers, never ARNs.
 */
const useStyles = makeStyles({
  wholeWords: { '& th, & td': { wordBreak: 'normal' } },
});

/** How long the owner's oldest open failure has lasted, and since when. */
function OldestFailureCell(props: { age: OwnerFailureAge; now: Date }) {
  const { age, now } = props;
  if (!age.oldestFailingSince) {
    return <TableCell data-testid="cis-owner-oldest-failure">—</TableCell>;
  }
  return (
    <TableCell data-testid="cis-owner-oldest-failure">
      <Typography variant="body2">
        {formatDuration(now.getTime() - Date.parse(age.oldestFailingSince))}
      </Typography>
      <Typography variant="caption" color="textSecondary">
        since {formatDateTime(age.oldestFailingSince)}
        {age.openCount > 1 ? ` · ${age.openCount} failing` : ''}
      </Typography>
    </TableCell>
  );
}

/** The median and longest time to fix of the failures fixed in the period. */
function TimeToFixCell(props: { age: OwnerFailureAge }) {
  const { age } = props;
  if (
    age.fixedCount === 0 ||
    age.medianTimeToFixMs === undefined ||
    age.maxTimeToFixMs === undefined
  ) {
    return (
      <TableCell data-testid="cis-owner-time-to-fix">None fixed</TableCell>
    );
  }
  return (
    <TableCell data-testid="cis-owner-time-to-fix">
      <Typography variant="body2">
        {formatDuration(age.medianTimeToFixMs)} median
      </Typography>
      <Typography variant="caption" color="textSecondary">
        {formatDuration(age.maxTimeToFixMs)} longest · {age.fixedCount} fixed
      </Typography>
    </TableCell>
  );
}

export const NO_OWNER_TEXT = 'No owner — failures cannot be routed';

/**
 * Teams ranked by failing accounts (the backend's order), each with its accounts per verdict,
 * the age of its oldest open failure and how long its failures took to fix in the period.
 */
export function OwnersSummary(props: {
  response?: OwnersResponse;
  loading: boolean;
  error?: Error;
  onSelectOwner: (ownerRef: string) => void;
  /** Lists the accounts nobody owns. */
  onSelectNoOwner?: () => void;
  /** The period of the time to fix, in days (one of TREND_PERIODS). */
  days: number;
  onDaysChange: (days: number) => void;
  /** The clock failure ages are measured against; tests set it. */
  now?: Date;
}) {
  const { response, loading, error, onSelectOwner, onSelectNoOwner } = props;
  const { days, onDaysChange } = props;
  const owners = response?.owners;
  // Served only while detection is on: no column at all when it is off.
  const withDetection = owners?.some(o => o.detection) ?? false;
  const classes = useStyles();
  const now = props.now ?? new Date();
  let body: React.ReactNode;
  if (error) {
    body = <ResponseErrorPanel error={error} />;
  } else if (!owners) {
    body = loading ? <Progress /> : null;
  } else if (owners.length === 0) {
    body = <Typography>No accounts have been evaluated yet.</Typography>;
  } else {
    body = (
      <TableContainer style={{ maxHeight: 480 }}>
        <Table
          size="small"
          stickyHeader
          aria-label="Accounts per owner"
          className={classes.wholeWords}
        >
          <TableHead>
            <TableRow>
              <TableCell>#</TableCell>
              <TableCell>Owner</TableCell>
              <VerdictCountHeaderCells />
              {withDetection && <DetectionRollupHeaderCell />}
              <TableCell>Oldest open failure</TableCell>
              <TableCell>
                Time to fix
                {response
                  ? ` (${response.period.from} – ${response.period.to})`
                  : ''}
              </TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {owners.map((owner, index) => (
              <TableRow
                key={owner.ownerRef ?? '~none'}
                data-testid="cis-owner-row"
              >
                <TableCell>{index + 1}</TableCell>
                <TableCell>
                  {owner.ownerRef ? (
                    <EntityRefLink
                      entityRef={owner.ownerRef}
                      defaultKind="group"
                    />
                  ) : (
                    <Typography variant="body2" color="error">
                      {NO_OWNER_TEXT}
                    </Typography>
                  )}
                </TableCell>
                <VerdictCountCells
                  totals={owner.totals}
                  totalCount={owner.totalCount}
                />
                {withDetection && (
                  <DetectionRollupCell
                    detection={owner.detection}
                    testId="cis-owner-detection"
                  />
                )}
                <OldestFailureCell age={owner.failureAge} now={now} />
                <TimeToFixCell age={owner.failureAge} />
                <TableCell>
                  {(owner.ownerRef || onSelectNoOwner) && (
                    <Button
                      size="small"
                      onClick={() =>
                        owner.ownerRef
                          ? onSelectOwner(owner.ownerRef)
                          : onSelectNoOwner?.()
                      }
                    >
                      Show accounts
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    );
  }
  return (
    <InfoCard
      title="Owners"
      subheader="Teams ranked by failing accounts; each failure is routed to its owner. A failure lasts from its first FAIL until a PASS (errors and exceptions in between do not end it)."
      action={
        <ButtonGroup size="small" aria-label="Time to fix period">
          {TREND_PERIODS.map(period => (
            <Button
              key={period}
              aria-pressed={period === days}
              variant={period === days ? 'contained' : 'outlined'}
              color="primary"
              onClick={() => onDaysChange(period)}
            >
              {period} days
            </Button>
          ))}
        </ButtonGroup>
      }
    >
      {body}
    </InfoCard>
  );
}
