import {
  ConsoleLinks,
  logGroupConsoleUrl,
  roleConsoleUrl,
  securityHubControlConsoleUrl,
  TrailEvaluation,
  trailConsoleUrl,
} from '@cis-aws/plugin-cis-aws-common';

/**
 * Console links for each link of one trail's chain: the trail in its home region, the log group
 * and the role where their ARNs say they are, and CloudTrail.5 in the region where Security Hub
 * is read (`cisAws.securityHub.region`), since that is where its findings are aggregated. The
 * only place these choices are made: the API and the evidence packet both use it.
 */
export function trailConsoleLinks(
  trail: Pick<TrailEvaluation, 'trailArn' | 'facts'>,
  partition: string,
  securityHubRegion: string,
): ConsoleLinks {
  const { facts } = trail;
  return {
    trail: trailConsoleUrl(trail.trailArn, facts.homeRegion),
    logGroup: facts.logGroupArn
      ? logGroupConsoleUrl(facts.logGroupArn)
      : undefined,
    role: facts.roleArn ? roleConsoleUrl(facts.roleArn) : undefined,
    securityHubControl: securityHubControlConsoleUrl(
      partition || 'aws',
      securityHubRegion,
    ),
  };
}
