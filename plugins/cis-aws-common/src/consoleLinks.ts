/**
 * Links into the AWS console for the evidence of one trail's chain, for the
 * partition and region each resource lives in. Pure. The backend chooses which
 * link goes with which trail (`lib/consoleLinks.ts`) and serves them; the
 * frontend only shows what it receives.
 */

function consoleHost(partition: string, region?: string): string {
  switch (partition) {
    case 'aws-cn':
      return 'console.amazonaws.cn';
    case 'aws-us-gov':
      return 'console.amazonaws-us-gov.com';
    default:
      return region
        ? `${region}.console.aws.amazon.com`
        : 'console.aws.amazon.com';
  }
}

/** The parts of an ARN: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`. */
export function arnParts(arn: string) {
  const [
    ,
    partition = 'aws',
    service = '',
    region = '',
    accountId = '',
    ...rest
  ] = arn.split(':');
  return { partition, service, region, accountId, resource: rest.join(':') };
}

/** The CloudWatch console escapes path parts twice, with `$25` for `%`. */
function cloudWatchEscape(value: string): string {
  return encodeURIComponent(encodeURIComponent(value)).replace(/%/g, '$');
}

export function trailConsoleUrl(trailArn: string, homeRegion?: string): string {
  const { partition, region } = arnParts(trailArn);
  const r = homeRegion || region;
  return `https://${consoleHost(
    partition,
    r,
  )}/cloudtrailv2/home?region=${r}#/trails/${encodeURIComponent(trailArn)}`;
}

export function logGroupConsoleUrl(logGroupArn: string): string | undefined {
  const { partition, region, resource } = arnParts(logGroupArn);
  const name = resource.replace(/^log-group:/, '').replace(/:\*$/, '');
  if (!region || !name) return undefined;
  return `https://${consoleHost(
    partition,
    region,
  )}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${cloudWatchEscape(
    name,
  )}`;
}

export function roleConsoleUrl(roleArn: string): string | undefined {
  const { partition, resource } = arnParts(roleArn);
  const name = resource
    .replace(/^role\//, '')
    .split('/')
    .pop();
  if (!resource.startsWith('role/') || !name) return undefined;
  return `https://${consoleHost(
    partition,
  )}/iam/home#/roles/details/${encodeURIComponent(name)}`;
}

export function securityHubControlConsoleUrl(
  partition: string,
  region: string,
): string {
  return `https://${consoleHost(
    partition,
    region,
  )}/securityhub/home?region=${region}#/controls/CloudTrail.5`;
}
