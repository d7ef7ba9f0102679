import { EntityVerdictValue } from '@cis-aws/plugin-cis-aws-common';
import { Box, Typography } from '@material-ui/core';
import { VerdictStatus } from '../common';

/** The card's first line: the verdict as a status, and its name in words. */
export function VerdictHeadline(props: {
  verdict: EntityVerdictValue | 'PENDING';
  title: string;
}) {
  return (
    <Box
      display="flex"
      alignItems="center"
      flexWrap="wrap"
      style={{ gap: 12 }}
      mb={1}
    >
      <Typography variant="h5" component="div">
        <VerdictStatus verdict={props.verdict} />
      </Typography>
      <Typography variant="h6" component="div">
        {props.title}
      </Typography>
    </Box>
  );
}
