import { AccountDetail, TrailEvaluation } from '@cis-aws/plugin-cis-aws-common';
import deliveryStale from '../../__fixtures__/account-delivery-stale.json';
import errorAccount from '../../__fixtures__/account-error.json';
import noLogGroup from '../../__fixtures__/account-no-log-group.json';
import noTrails from '../../__fixtures__/account-no-trails.json';
import notLogging from '../../__fixtures__/account-not-logging.json';
import pass from '../../__fixtures__/account-pass.json';
import roleCannotWrite from '../../__fixtures__/account-role-cannot-write.json';
import stale from '../../__fixtures__/account-stale.json';
import {
  accountRemediation,
  permissionPolicy,
  trailNames,
  trailRemediation,
} from './remediation';

const detail = (x: unknown) => x as AccountDetail;
const failing = (x: unknown) =>
  detail(x).evaluation.trails.find(t => t.verdict === 'FAIL')!;
const commands = (r: ReturnType<typeof trailRemediation>) =>
  r!.steps.map(s => s.command ?? '').join('\n');
const documents = (r: ReturnType<typeof trailRemediation>) =>
  Object.fromEntries(
    r!.steps
      .flatMap(s => s.documents ?? [])
      .map(d => [d.fileName, JSON.parse(d.content)]),
  );

/** A trail of the role-cannot-write fixture with another reason and role/log-group facts. */
function variant(
  reason: TrailEvaluation['reason'],
  patch: Partial<TrailEvaluation['facts']> = {},
): TrailEvaluation {
  const trail = failing(roleCannotWrite);
  return {
    ...trail,
    reason,
    underlyingReason: reason,
    facts: { ...trail.facts, ...patch },
  };
}

describe('trailRemediation', () => {
  it('gives nothing for a passing trail or an inherited organization trail', () => {
    for (const trail of detail(pass).evaluation.trails)
      expect(trailRemediation(trail)).toBeUndefined();
  });

  it('NO_LOG_GROUP: creates the log group and the role, then points the trail at them', () => {
    const r = trailRemediation(failing(noLogGroup))!;
    expect(r.reason).toBe('NO_LOG_GROUP');
    const text = commands(r);
    expect(text).toContain(
      'aws logs create-log-group --log-group-name aws-cloudtrail-logs-payments-staging-trail --region us-east-1',
    );
    expect(text).toContain(
      'aws iam create-role --role-name CloudTrail_CloudWatchLogs_Role --assume-role-policy-document file://trust.json',
    );
    expect(text).toContain(
      'aws cloudtrail update-trail --name payments-staging-trail --region us-east-1 --cloud-watch-logs-log-group-arn arn:aws:logs:us-east-1:404455667788:log-group:aws-cloudtrail-logs-payments-staging-trail:* --cloud-watch-logs-role-arn arn:aws:iam::404455667788:role/CloudTrail_CloudWatchLogs_Role',
    );
    expect(documents(r)['trust.json'].Statement[0].Principal.Service).toBe(
      'cloudtrail.amazonaws.com',
    );
  });

  it('LOG_GROUP_NOT_FOUND: re-creates the named log group in its region', () => {
    const r = trailRemediation(
      variant('LOG_GROUP_NOT_FOUND', {
        logGroup: {
          state: 'NOT_FOUND',
          name: 'gone-group',
          arn: 'arn:aws:logs:eu-west-1:407788990011:log-group:gone-group',
          accountId: '407788990011',
          region: 'eu-west-1',
        },
        logGroupArn:
          'arn:aws:logs:eu-west-1:407788990011:log-group:gone-group:*',
      }),
    )!;
    expect(commands(r)).toContain(
      'aws logs create-log-group --log-group-name gone-group --region eu-west-1',
    );
    expect(commands(r)).toContain(
      '--cloud-watch-logs-log-group-arn arn:aws:logs:eu-west-1:407788990011:log-group:gone-group:*',
    );
  });

  it('ROLE_NOT_FOUND: re-creates the role under its own name and path', () => {
    const r = trailRemediation(
      variant('ROLE_NOT_FOUND', {
        roleArn: 'arn:aws:iam::407788990011:role/service/TrailWriter',
      }),
    )!;
    expect(commands(r)).toContain(
      'aws iam create-role --role-name TrailWriter --path /service/ --assume-role-policy-document file://trust.json',
    );
    expect(commands(r)).toContain(
      'aws iam put-role-policy --role-name TrailWriter',
    );
  });

  it('NO_ROLE: creates the default role and sets it on the trail', () => {
    const r = trailRemediation(
      variant('NO_ROLE', {
        roleArn: null,
        role: { state: 'NOT_CHECKED', why: 'NO_ARN' },
      }),
    )!;
    expect(commands(r)).toContain(
      '--cloud-watch-logs-role-arn arn:aws:iam::407788990011:role/CloudTrail_CloudWatchLogs_Role',
    );
  });

  it('ROLE_NOT_TRUSTED: replaces the trust policy', () => {
    const r = trailRemediation(variant('ROLE_NOT_TRUSTED'))!;
    expect(commands(r)).toBe(
      'aws iam update-assume-role-policy --role-name CloudTrail_CloudWatchLogs_Role --policy-document file://trust.json',
    );
    expect(documents(r)['trust.json'].Statement[0]).toEqual({
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'sts:AssumeRole',
    });
  });

  it('ROLE_CANNOT_WRITE: puts a policy on the real role for the real log group streams', () => {
    const r = trailRemediation(failing(roleCannotWrite))!;
    expect(commands(r)).toContain(
      'aws iam put-role-policy --role-name CloudTrail_CloudWatchLogs_Role --policy-name CloudTrailToCloudWatchLogs --policy-document file://policy.json',
    );
    const statement = documents(r)['policy.json'].Statement[0];
    expect(statement.Action).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    expect(statement.Resource).toEqual([
      'arn:aws:logs:us-east-1:407788990011:log-group:aws-cloudtrail-logs-checkout-dev:log-stream:407788990011_CloudTrail_us-east-1*',
    ]);
  });

  it('organization trails also allow the o-* streams', () => {
    const n = trailNames({
      ...failing(roleCannotWrite).facts,
      isOrganizationTrail: true,
    });
    expect(JSON.parse(permissionPolicy(n)).Statement[0].Resource[1]).toMatch(
      /:log-stream:o-\*$/,
    );
  });

  it('NOT_LOGGING: starts logging in the home region', () => {
    const r = trailRemediation(failing(notLogging))!;
    expect(commands(r)).toBe(
      'aws cloudtrail start-logging --name arn:aws:cloudtrail:us-west-2:408899001122:trail/data-lake-trail --region us-west-2',
    );
  });

  it('DELIVERY_STALE and NEVER_DELIVERED: read the status, check the role, re-apply', () => {
    const r = trailRemediation(failing(deliveryStale))!;
    expect(r.reason).toBe('DELIVERY_STALE');
    expect(commands(r)).toContain(
      'aws cloudtrail get-trail-status --name arn:aws:cloudtrail:eu-west-1:406677889900:trail/storefront-staging-trail --region eu-west-1',
    );
    expect(commands(r)).toContain(
      'aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::406677889900:role/CloudTrail_CloudWatchLogs_Role',
    );
    const never = trailRemediation(variant('NEVER_DELIVERED'))!;
    expect(never.summary).toContain('never delivered');
    expect(never.summary).toContain('AccessDeniedException');
  });

  it('API_ERROR: says which call failed and what the reader role needs', () => {
    const r = trailRemediation(
      variant('API_ERROR', {
        apiErrors: [
          { operation: 'iam:GetRole', code: 'AccessDenied', message: 'no' },
        ],
      }),
    )!;
    expect(r.summary).toContain('iam:GetRole: AccessDenied');
    expect(documents(r)['reader-policy.json'].Statement[0].Action).toContain(
      'cloudtrail:GetTrailStatus',
    );
  });

  it('HOME_REGION_UNREACHABLE: map the owner, or enable (or allow) the home region', () => {
    const own = trailRemediation(
      variant('HOME_REGION_UNREACHABLE', { homeRegion: 'ap-east-1' }),
    )!;
    expect(own.summary).toContain('Enable the region ap-east-1');
    const foreign = trailRemediation(
      variant('HOME_REGION_UNREACHABLE', {
        homeRegion: 'ap-east-1',
        ownerAccountId: '401122334455',
      }),
    )!;
    expect(foreign.summary).toContain('Map the owner account 401122334455');
    expect(foreign.summary).toContain('ap-east-1');
  });

  it('EXCEPTION: remediates the underlying reason', () => {
    const trail = {
      ...failing(notLogging),
      reason: 'EXCEPTION' as const,
      underlyingReason: 'NOT_LOGGING' as const,
    };
    expect(trailRemediation(trail)!.reason).toBe('NOT_LOGGING');
  });
});

describe('accountRemediation', () => {
  it('NO_TRAILS: creates a multi-region trail wired to CloudWatch Logs', () => {
    const r = accountRemediation(detail(noTrails).evaluation)!;
    const text = commands(r);
    expect(text).toContain(
      'aws cloudtrail create-trail --name management-events --s3-bucket-name aws-cloudtrail-logs-409900112233 --is-multi-region-trail --region us-east-1',
    );
    expect(text).toContain(
      'aws cloudtrail update-trail --name management-events --region us-east-1 --cloud-watch-logs-log-group-arn arn:aws:logs:us-east-1:409900112233:log-group:',
    );
  });

  it('ERROR with sts:AssumeRole denied: trust the portal principal on the reader role', () => {
    const r = accountRemediation(detail(errorAccount).evaluation)!;
    expect(r.summary).toContain("portal's reader role could not be assumed");
    expect(commands(r)).toContain(
      'aws iam update-assume-role-policy --role-name CisAwsReader',
    );
    expect(documents(r)['reader-trust.json'].Statement[0].Principal.AWS).toBe(
      'arn:aws:iam::402233445566:user/aws-simulator',
    );
  });

  it('ERROR from a failed region: names the failing call', () => {
    const r = accountRemediation(detail(stale).evaluation)!;
    expect(r.summary).toContain(
      'cloudtrail:ListTrails in us-east-1: InternalFailure',
    );
  });

  it('nothing at account level for a passing or trail-failed account', () => {
    expect(accountRemediation(detail(pass).evaluation)).toBeUndefined();
    expect(
      accountRemediation(detail(roleCannotWrite).evaluation),
    ).toBeUndefined();
  });
});
