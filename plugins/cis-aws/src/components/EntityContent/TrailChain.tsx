import { ServedTrailEvaluation } from '@cis-aws/plugin-cis-aws-common';
import { Box } from '@material-ui/core';
import { ChainLink } from './ChainLink';
import {
  deliveryLink,
  logGroupLink,
  roleLink,
  securityHubLink,
  trailLink,
} from './chainLinks';

/** The evidence chain of one trail: five links, each with a status, its facts and a console link. */
export function TrailChain(props: { trail: ServedTrailEvaluation }) {
  const { trail } = props;
  const chain = [
    trailLink(trail),
    roleLink(trail),
    logGroupLink(trail),
    deliveryLink(trail),
    securityHubLink(trail),
  ];
  return (
    <Box data-testid="trail-chain">
      {chain.map(link => (
        <ChainLink key={link.id} {...link} />
      ))}
    </Box>
  );
}
