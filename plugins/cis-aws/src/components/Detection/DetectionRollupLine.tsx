import { Link } from '@backstage/core-components';
import type { EntityDetectionCounts } from '@cis-aws/plugin-cis-aws-common';
import { Box, Typography } from '@material-ui/core';
import { DETECTION_TITLE, rollupLine } from './text';

/**
 * The team's or system's card line on detection content (CIS 3.x): how many of its accounts
 * fail, linking to the tab that lists each account's detection. Nothing when detection is off.
 */
export function DetectionRollupLine(props: {
  detection?: EntityDetectionCounts;
  detailsLink: string;
}) {
  const { detection, detailsLink } = props;
  if (!detection) return null;
  const failing = detection.counts.FAIL > 0;
  return (
    <Box
      mt={1}
      data-testid="cis-detection-rollup"
      data-failing={detection.counts.FAIL}
      data-accounts={detection.accountCount}
    >
      <Typography variant="body2" component="span">
        <strong>{DETECTION_TITLE}:</strong>{' '}
        <Link to={detailsLink} color={failing ? 'error' : 'primary'}>
          {rollupLine(detection)}
        </Link>
      </Typography>
    </Box>
  );
}
