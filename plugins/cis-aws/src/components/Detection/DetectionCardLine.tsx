import type { DetectionSummary } from '@cis-aws/plugin-cis-aws-common';
import { Box, Typography } from '@material-ui/core';
import { DetectionVerdictStatus } from './DetectionVerdictStatus';
import { DETECTION_TITLE, summaryLine } from './text';

/**
 * The account card's one line on detection content (CIS 3.x), from the summary the account's
 * result carries; nothing when it has not been evaluated (or detection is off).
 */
export function DetectionCardLine(props: { summary?: DetectionSummary }) {
  const { summary } = props;
  if (!summary) return null;
  return (
    <Box
      mt={1}
      display="flex"
      alignItems="center"
      flexWrap="wrap"
      style={{ gap: 8 }}
      data-testid="cis-detection-line"
      data-verdict={summary.verdict}
    >
      <Typography variant="body2" component="span">
        <strong>{DETECTION_TITLE}:</strong>
      </Typography>
      <DetectionVerdictStatus verdict={summary.verdict} />
      <Typography variant="body2" component="span">
        {summaryLine(summary)}
      </Typography>
    </Box>
  );
}
