import {
  ConsoleLinks,
  SecurityHubFindingSummary,
  TrailEvaluation,
} from '@cis-aws/plugin-cis-aws-common';
import { Box } from '@material-ui/core';
import { ChainLink } from './ChainLink';
import {
  deliveryLink,
  linksFor,
  logGroupLink,
  roleLink,
  securityHubLink,
  trailLink,
} from './chainLinks';

/** The evidence chain of one trail: five links, each with a status, its facts and a console link. */
export function TrailChain(props: {
  trail: TrailEvaluation;
  consoleLinks?: ConsoleLinks;
  findings: SecurityHubFindingSummary[];
  partition: string;
}) {
  const { trail, findings, partition } = props;
  const links = linksFor(trail, props.consoleLinks, partition);
  const chain = [
    trailLink(trail, links),
    roleLink(trail, links),
    logGroupLink(trail, links),
    deliveryLink(trail, links),
    securityHubLink(trail, links, findings),
  ];
  return (
    <Box data-testid="trail-chain">
      {chain.map(link => (
        <ChainLink key={link.id} {...link} />
      ))}
    </Box>
  );
}
