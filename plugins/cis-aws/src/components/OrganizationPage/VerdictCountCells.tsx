import {
  VERDICT_SEVERITY_ORDER,
  VerdictTotals,
} from '@cis-aws/plugin-cis-aws-common';
import { TableCell } from '@material-ui/core';

/** The header cells of a roll-up table's counts: one per verdict, worst first, then the total. */
export function VerdictCountHeaderCells() {
  return (
    <>
      {VERDICT_SEVERITY_ORDER.map(verdict => (
        <TableCell key={verdict} align="right">
          {verdict}
        </TableCell>
      ))}
      <TableCell align="right">Total</TableCell>
    </>
  );
}

/** One roll-up row's counts, in the order of `VerdictCountHeaderCells`. */
export function VerdictCountCells(props: {
  totals: VerdictTotals;
  totalCount: number;
}) {
  return (
    <>
      {VERDICT_SEVERITY_ORDER.map(verdict => (
        <TableCell key={verdict} align="right">
          {props.totals[verdict] ?? 0}
        </TableCell>
      ))}
      <TableCell align="right" data-testid="cis-rollup-total">
        {props.totalCount}
      </TableCell>
    </>
  );
}
