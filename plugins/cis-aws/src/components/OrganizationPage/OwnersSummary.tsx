import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { OwnerSummary } from '@cis-aws/plugin-cis-aws-common';
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

export const NO_OWNER_TEXT = 'No owner — failures cannot be routed';

/** Teams ranked by failing accounts (the backend's order), each with its accounts per verdict. */
export function OwnersSummary(props: {
  owners?: OwnerSummary[];
  loading: boolean;
  error?: Error;
  onSelectOwner: (ownerRef: string) => void;
  /** Lists the accounts nobody owns. */
  onSelectNoOwner?: () => void;
}) {
  const { owners, loading, error, onSelectOwner, onSelectNoOwner } = props;
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
        <Table size="small" stickyHeader aria-label="Accounts per owner">
          <TableHead>
            <TableRow>
              <TableCell>#</TableCell>
              <TableCell>Owner</TableCell>
              <VerdictCountHeaderCells />
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
      subheader="Teams ranked by failing accounts; each failure is routed to its owner."
    >
      {body}
    </InfoCard>
  );
}
