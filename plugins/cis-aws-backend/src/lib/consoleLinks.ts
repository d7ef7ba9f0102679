import {
  AccountEvaluation,
  ConsoleLinks,
  logGroupConsoleUrl,
  roleConsoleUrl,
  securityHubControlConsoleUrl,
  trailConsoleUrl,
} from '@cis-aws/plugin-cis-aws-common';

/** Console links for every trail of an evaluation, by trail ARN. */
export function consoleLinksFor(
  evaluation: AccountEvaluation,
  securityHubRegion: string,
): Record<string, ConsoleLinks> {
  const links: Record<string, ConsoleLinks> = {};
  const partition = evaluation.inventory.partition;
  for (const { trailArn, facts } of evaluation.trails) {
    links[trailArn] = {
      trail: trailConsoleUrl(trailArn, facts.homeRegion),
      logGroup: facts.logGroupArn
        ? logGroupConsoleUrl(facts.logGroupArn)
        : undefined,
      role: facts.roleArn ? roleConsoleUrl(facts.roleArn) : undefined,
      securityHubControl: securityHubControlConsoleUrl(
        partition,
        securityHubRegion,
      ),
    };
  }
  return links;
}
