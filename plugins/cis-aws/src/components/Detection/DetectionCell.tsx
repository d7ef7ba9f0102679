import type { AccountSummary } from '@cis-aws/plugin-cis-aws-common';
import { Tooltip, Typography } from '@material-ui/core';
import { DetectionVerdictStatus } from './DetectionVerdictStatus';
import { summaryLine } from './text';

/** The accounts table's detection column: the verdict and the checks that are not watched. */
export function DetectionCell(props: { account: AccountSummary }) {
  const summary = props.account.detection;
  if (!summary)
    return (
      <Typography
        variant="body2"
        color="textSecondary"
        data-testid="cis-detection-cell"
      >
        not evaluated
      </Typography>
    );
  return (
    <Tooltip title={summaryLine(summary)}>
      <span data-testid="cis-detection-cell" data-verdict={summary.verdict}>
        <DetectionVerdictStatus verdict={summary.verdict} compact />
        {summary.failingChecks.length > 0 && (
          <Typography
            variant="caption"
            display="block"
            color="textSecondary"
            data-testid="cis-detection-failing-checks"
          >
            {summary.failingChecks.join(', ')}
          </Typography>
        )}
      </span>
    </Tooltip>
  );
}
