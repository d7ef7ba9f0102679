import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import deliveryStale from '../../__fixtures__/account-delivery-stale.json';
import errorAccount from '../../__fixtures__/account-error.json';
import noLogGroup from '../../__fixtures__/account-no-log-group.json';
import noTrails from '../../__fixtures__/account-no-trails.json';
import orgMember from '../../__fixtures__/account-org-member.json';
import pass from '../../__fixtures__/account-pass.json';
import roleCannotWrite from '../../__fixtures__/account-role-cannot-write.json';
import stale from '../../__fixtures__/account-stale.json';
import trailExempt from '../../__fixtures__/account-trail-exempt.json';
import {
  accountEntity,
  answer,
  renderWithApis,
  setupMswServer,
} from '../../__testUtils__/render';
import { EntityCisAwsContent } from './index';

setupMswServer();

async function showAccount(
  fixture: { accountId: string },
  evaluate = AuthorizeResult.DENY,
) {
  answer(`/v1/accounts/${fixture.accountId}`, fixture as never);
  await renderWithApis(<EntityCisAwsContent />, {
    entity: accountEntity(fixture.accountId),
    evaluate,
  });
  return screen.findByTestId('account-detail');
}

const trailSection = (arn: string) =>
  screen
    .getAllByTestId('trail-section')
    .find(el => el.getAttribute('data-trail') === arn)!;

/** Opens a link's "Details" (ARNs, exact times, AWS's answers) and returns what it shows. */
async function openDetails(link: HTMLElement) {
  await userEvent.click(
    within(link).getByRole('button', { name: /^Details of the / }),
  );
  return within(link).getByRole('region');
}

describe('EntityCisAwsContent on an account', () => {
  it('PASS: shows every trail with the 5 links of its chain and their console links', async () => {
    await showAccount(pass);
    expect(screen.getAllByTestId('cis-verdict')[0]).toHaveAttribute(
      'data-verdict',
      'PASS',
    );
    const section = trailSection(
      'arn:aws:cloudtrail:us-east-1:403344556677:trail/payments-prod-trail',
    );
    const links = within(section).getAllByTestId('chain-link');
    expect(links.map(l => l.getAttribute('data-link'))).toEqual([
      'trail',
      'role',
      'logGroup',
      'delivery',
      'securityHub',
    ]);
    expect(links.map(l => l.getAttribute('data-status'))).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
    ]);
    for (const link of links) {
      expect(within(link).getByRole('link')).toHaveAttribute(
        'href',
        expect.stringContaining('console.aws.amazon.com'),
      );
    }
    expect(links[1]).toHaveTextContent(
      'May writeyes, by IAM policy simulation',
    );
    expect(screen.getByTestId('security-hub-opinion')).toHaveTextContent(
      'says PASS, which agrees',
    );
    expect(screen.queryByTestId('remediation')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Evaluate now' }),
    ).not.toBeInTheDocument();
  });

  it('ROLE_CANNOT_WRITE: breaks the role link and shows put-role-policy for the real role and log group', async () => {
    await showAccount(roleCannotWrite);
    const section = trailSection(
      'arn:aws:cloudtrail:us-east-1:407788990011:trail/checkout-dev-trail',
    );
    const role = within(section).getAllByTestId('chain-link')[1];
    expect(role).toHaveAttribute('data-status', 'fail');
    expect(role).toHaveTextContent('May writeno, by IAM policy simulation');
    expect(role).toHaveTextContent('Trusted by CloudTrailyes');
    expect(role).not.toHaveTextContent('arn:aws:iam::');
    const roleDetails = await openDetails(role);
    expect(roleDetails).toHaveTextContent(
      'Role ARNarn:aws:iam::407788990011:role/CloudTrail_CloudWatchLogs_Role',
    );
    expect(roleDetails).toHaveTextContent('implicitDeny');
    const fix = within(section).getByTestId('remediation');
    expect(fix).toHaveTextContent('Role cannot write to the log group');
    expect(fix.textContent).toContain(
      'aws iam put-role-policy --role-name CloudTrail_CloudWatchLogs_Role --policy-name CloudTrailToCloudWatchLogs --policy-document file://policy.json',
    );
    expect(fix.textContent).toContain(
      'arn:aws:logs:us-east-1:407788990011:log-group:aws-cloudtrail-logs-checkout-dev:log-stream:407788990011_CloudTrail_us-east-1*',
    );
    // Security Hub says PASS where we say FAIL.
    const hub = within(section).getAllByTestId('chain-link')[4];
    expect(hub).toHaveTextContent('Agrees with this evaluationno');
    expect(screen.getByTestId('security-hub-opinion')).toHaveTextContent(
      'disagrees',
    );
  });

  it('DELIVERY_STALE: shows the last delivery as broken and how to investigate', async () => {
    await showAccount(deliveryStale);
    const section = trailSection(
      'arn:aws:cloudtrail:eu-west-1:406677889900:trail/storefront-staging-trail',
    );
    const delivery = within(section).getAllByTestId('chain-link')[3];
    expect(delivery).toHaveAttribute('data-status', 'fail');
    // how long ago and when, in plain words; the exact time in its title and the details
    expect(delivery).toHaveTextContent(
      /Last CloudWatch Logs delivery\d+ (hours|days) ago \(Nov 2[23], 2026, \d{1,2}:\d{2} [AP]M\)/,
    );
    expect(delivery).toHaveTextContent(
      /The last delivery was \d+ (hours|days) ago/,
    );
    expect(delivery).not.toHaveTextContent('2026-11-23T02:52:40.179Z');
    expect(
      delivery.querySelector('time[datetime="2026-11-23T02:52:40.179Z"]'),
    ).toHaveAttribute('title', '2026-11-23T02:52:40.179Z');
    expect(await openDetails(delivery)).toHaveTextContent(
      'LatestCloudWatchLogsDeliveryTime2026-11-23T02:52:40.179Z',
    );
    expect(within(section).getByTestId('remediation').textContent).toContain(
      'aws cloudtrail get-trail-status --name arn:aws:cloudtrail:eu-west-1:406677889900:trail/storefront-staging-trail --region eu-west-1',
    );
  });

  it('NO_LOG_GROUP: shows create-log-group and update-trail', async () => {
    await showAccount(noLogGroup);
    const section = trailSection(
      'arn:aws:cloudtrail:us-east-1:404455667788:trail/payments-staging-trail',
    );
    expect(within(section).getAllByTestId('chain-link')[2]).toHaveTextContent(
      'The trail names no log group.',
    );
    const text = within(section).getByTestId('remediation').textContent;
    expect(text).toContain(
      'aws logs create-log-group --log-group-name aws-cloudtrail-logs-payments-staging-trail --region us-east-1',
    );
    expect(text).toContain(
      'aws cloudtrail update-trail --name payments-staging-trail --region us-east-1',
    );
  });

  it('NO_TRAILS: explains and shows create-trail', async () => {
    await showAccount(noTrails);
    expect(screen.getAllByText('No trails').length).toBeGreaterThan(0);
    expect(screen.getByTestId('remediation').textContent).toContain(
      'aws cloudtrail create-trail --name management-events --s3-bucket-name aws-cloudtrail-logs-409900112233 --is-multi-region-trail',
    );
    expect(screen.getByTestId('inventory')).toHaveTextContent(
      'Regions scanned: us-east-1',
    );
  });

  it('ERROR: explains that the reader role could not be assumed', async () => {
    await showAccount(errorAccount);
    expect(screen.getByTestId('inventory-error')).toHaveTextContent(
      "The portal's reader role could not be assumed in this account (AccessDenied, HTTP 403)",
    );
    expect(screen.getByTestId('inventory-error')).toHaveTextContent(
      'arn:aws:iam::411122334455:role/CisAwsReader',
    );
    // the account's reason in words; AWS's answer in the details
    expect(screen.getByTestId('account-explanation')).not.toHaveTextContent(
      'AccessDenied',
    );
    expect(screen.getByTestId('remediation').textContent).toContain(
      'aws iam update-assume-role-policy --role-name CisAwsReader',
    );
  });

  it('org member: the organization trail is one line naming its owner, who fixes it', async () => {
    await showAccount(orgMember);
    expect(await screen.findByTestId('inherited')).toHaveTextContent(
      'Covered by the organization trail acme-org-trail of account 401122334455 — passing',
    );
    expect(screen.queryByTestId('remediation')).not.toBeInTheDocument();
  });

  it('trail exception: the trail shows EXEMPT with its underlying FAIL, the exception and the fix', async () => {
    await showAccount(trailExempt);
    expect(screen.getAllByTestId('cis-verdict')[0]).toHaveAttribute(
      'data-verdict',
      'PASS',
    );
    const section = trailSection(
      'arn:aws:cloudtrail:us-east-1:404455667788:trail/payments-staging-trail',
    );
    const verdicts = within(section)
      .getAllByTestId('cis-verdict')
      .map(v => v.getAttribute('data-verdict'));
    expect(verdicts.slice(0, 2)).toEqual(['EXEMPT', 'FAIL']);
    expect(within(section).getByTestId('trail-underlying')).toHaveTextContent(
      'without the exception:FAILNo log group configured',
    );
    const exemption = within(section).getByTestId('trail-exemption');
    expect(exemption).toHaveTextContent(
      /This trail is exempt until Dec 8, 2026, \d{1,2}:\d{2} [AP]M \(.+\)/,
    );
    expect(exemption).toHaveTextContent(
      'Reason: The trail is replaced by the organization trail on 2026-12-01 (PAY-2077).',
    );
    // Security Hub's opinion as the backend judged it: compared without the exception
    const hub = within(section).getAllByTestId('chain-link')[4];
    expect(hub).toHaveTextContent('Agrees with this evaluationyes');
    expect(hub).toHaveTextContent(
      'Compared withFAIL (the verdict without the exception)',
    );
    // the underlying failure can still be fixed
    expect(within(section).getByTestId('remediation').textContent).toContain(
      'aws logs create-log-group',
    );
  });

  it("stale: banner with the last definitive PASS and that result's trails", async () => {
    await showAccount(stale);
    expect(screen.getAllByTestId('cis-verdict')[0]).toHaveAttribute(
      'data-verdict',
      'ERROR',
    );
    const banner = screen.getByTestId('stale-banner');
    expect(banner).toHaveTextContent(
      'The last run could not evaluate this account',
    );
    expect(banner).toHaveTextContent(
      'cloudtrail:ListTrails InternalFailure (HTTP 500)',
    );
    expect(banner).toHaveTextContent('the last definitive result was PASS');
    const old = screen.getByTestId('last-definitive-trails');
    expect(within(old).getAllByTestId('trail-section')).toHaveLength(2);
    // The last definitive result's trails come with their own console links from the backend.
    const own = stale.lastDefinitiveEvaluation.trails.find(
      t => !('inheritedFrom' in t),
    )!;
    const ownSection = within(old)
      .getAllByTestId('trail-section')
      .find(el => el.getAttribute('data-trail') === own.trailArn)!;
    expect(
      within(ownSection).getByRole('link', {
        name: /Open trail in CloudTrail console/,
      }),
    ).toHaveAttribute('href', own.consoleLinks.trail);
  });
});
