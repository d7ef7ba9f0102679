import type { EntityDetectionCounts } from '@cis-aws/plugin-cis-aws-common';
import { TableCell, Typography } from '@material-ui/core';
import { DETECTION_TITLE, rollupLine } from './text';

/** The header of the roll-up tables' detection column. */
export function DetectionRollupHeaderCell() {
  return (
    <TableCell style={{ wordBreak: 'normal' }}>{DETECTION_TITLE}</TableCell>
  );
}

/**
 * An owner's or a system's detection content (CIS 3.x) in a roll-up table: how many of its
 * accounts fail, in the words of the team and system cards ("2 of 3 accounts fail").
 */
export function DetectionRollupCell(props: {
  detection?: EntityDetectionCounts;
  testId: string;
}) {
  const { detection, testId } = props;
  if (!detection || detection.accountCount === 0) {
    return (
      <TableCell data-testid={testId} style={{ wordBreak: 'normal' }}>
        <Typography variant="body2" color="textSecondary">
          not evaluated
        </Typography>
      </TableCell>
    );
  }
  return (
    <TableCell
      data-testid={testId}
      style={{ wordBreak: 'normal' }}
      data-failing={detection.counts.FAIL}
      data-accounts={detection.accountCount}
    >
      <Typography
        variant="body2"
        color={detection.counts.FAIL > 0 ? 'error' : 'textPrimary'}
      >
        {rollupLine(detection)}
      </Typography>
    </TableCell>
  );
}
