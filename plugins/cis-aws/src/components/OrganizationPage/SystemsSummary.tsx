import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { SystemSummary } from '@cis-aws/plugin-cis-aws-common';
import {
  Button,
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
import { DetectionRollupCell, DetectionRollupHeaderCell } from '../Detection';

export const NO_SYSTEM_TEXT = 'Part of no system';

/** Systems ranked by failing accounts (the backend's order), each with its accounts per verdict. */
export function SystemsSummary(props: {
  systems?: SystemSummary[];
  loading: boolean;
  error?: Error;
  onSelectSystem: (systemRef: string) => void;
}) {
  const { systems, loading, error, onSelectSystem } = props;
  // Served only while detection is on: no column at all when it is off.
  const withDetection = systems?.some(s => s.detection) ?? false;
  let body: React.ReactNode;
  if (error) {
    body = <ResponseErrorPanel error={error} />;
  } else if (!systems) {
    body = loading ? <Progress /> : null;
  } else if (systems.length === 0) {
    body = <Typography>No accounts have been evaluated yet.</Typography>;
  } else {
    body = (
      <TableContainer style={{ maxHeight: 480 }}>
        <Table size="small" stickyHeader aria-label="Accounts per system">
          <TableHead>
            <TableRow>
              <TableCell>System</TableCell>
              <VerdictCountHeaderCells />
              {withDetection && <DetectionRollupHeaderCell />}
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {systems.map(system => (
              <TableRow
                key={system.systemRef ?? '~none'}
                data-testid="cis-system-row"
              >
                <TableCell>
                  {system.systemRef ? (
                    <EntityRefLink
                      entityRef={system.systemRef}
                      defaultKind="system"
                    />
                  ) : (
                    <Typography variant="body2" color="textSecondary">
                      {NO_SYSTEM_TEXT}
                    </Typography>
                  )}
                </TableCell>
                <VerdictCountCells
                  totals={system.totals}
                  totalCount={system.totalCount}
                />
                {withDetection && (
                  <DetectionRollupCell
                    detection={system.detection}
                    testId="cis-system-detection"
                  />
                )}
                <TableCell>
                  {system.systemRef && (
                    <Button
                      size="small"
                      onClick={() => onSelectSystem(system.systemRef!)}
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
      title="Systems"
      subheader="Systems ranked by failing accounts: which products are exposed."
    >
      {body}
    </InfoCard>
  );
}
