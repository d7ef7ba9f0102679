import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  accountEntity,
  answer,
  renderWithApis,
  server,
  setupMswServer,
} from '../../__testUtils__/render';
import accountError from '../../__fixtures__/account-error.json';
import accountPass from '../../__fixtures__/account-pass.json';
import deliveryStale from '../../__fixtures__/account-delivery-stale.json';
import noTrails from '../../__fixtures__/account-no-trails.json';
import roleCannotWrite from '../../__fixtures__/account-role-cannot-write.json';
import accountStale from '../../__fixtures__/account-stale.json';
import accountExempt from '../../__fixtures__/account-exempt.json';
import trailExempt from '../../__fixtures__/account-trail-exempt.json';
import { EntityCisAwsCard } from './index';
import { freezeDateAtFixtures } from './testClock';

setupMswServer();
freezeDateAtFixtures();

const verdict = () =>
  screen.getAllByTestId('cis-verdict')[0].getAttribute('data-verdict');

describe('EntityCisAwsCard on an account', () => {
  it('says an account nobody owns cannot be routed, and how to fix that where the account comes from', async () => {
    const { ownerRef: _owner, ...unowned } = accountPass;
    answer('/v1/accounts/403344556677', unowned);
    const entity = accountEntity('403344556677');
    await renderWithApis(<EntityCisAwsCard />, { entity });
    expect(await screen.findByTestId('cis-owner')).toHaveTextContent(
      'nobody, so its failures reach no team (set spec.owner on the account entity)',
    );
  });

  it('points to the owner tag for an account from AWS Organizations', async () => {
    const { ownerRef: _owner, ...unowned } = accountPass;
    answer('/v1/accounts/403344556677', unowned);
    const entity = accountEntity('403344556677');
    entity.metadata.annotations!['cis-aws.io/owner-missing'] = 'true';
    await renderWithApis(<EntityCisAwsCard />, { entity });
    expect(await screen.findByTestId('cis-owner')).toHaveTextContent(
      'tag the account with its owner in AWS Organizations',
    );
  });

  it('shows a passing account with its owner, times, Security Hub and a details link', async () => {
    answer('/v1/accounts/403344556677', accountPass);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: accountEntity('403344556677'),
    });

    expect(await screen.findByText('Passing')).toBeInTheDocument();
    expect(verdict()).toBe('PASS');
    expect(
      screen.getByText('payments-prod (403344556677)'),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('cis-why')).not.toBeInTheDocument();
    const owner = screen.getByTestId('cis-owner').querySelector('a');
    expect(owner?.getAttribute('href')).toContain(
      '/catalog/default/group/payments-team',
    );
    expect(screen.getByTestId('cis-last-evaluated')).toHaveTextContent(
      /^Last evaluated 2 minutes ago$/,
    );
    // the exact time is one hover away, not in the text
    expect(
      within(screen.getByTestId('cis-last-evaluated')).getByText(
        '2 minutes ago',
      ),
    ).toHaveAttribute('title', accountPass.evaluatedAt);
    // since when, as a date people can quote and how long ago
    expect(screen.getByTestId('cis-aws-since')).toHaveTextContent(
      /^Passing since Nov 24, 2026, \d{1,2}:\d{2} [AP]M \(2 minutes ago\)$/,
    );
    expect(screen.queryByTestId('cis-aws-exemption')).not.toBeInTheDocument();
    expect(screen.getByTestId('cis-last-delivery')).toHaveTextContent(
      /^Last delivery to CloudWatch Logs 6 minutes ago$/,
    );
    expect(screen.getByTestId('cis-security-hub')).toHaveTextContent(
      'Security Hub: PASSED — agrees',
    );
    expect(screen.getByRole('link', { name: /View details/ })).toHaveAttribute(
      'href',
      '/catalog/default/resource/aws-payments-prod/cis-aws',
    );
  });

  it('explains a failing account: the trail name and why, in plain words', async () => {
    answer('/v1/accounts/407788990011', roleCannotWrite);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: accountEntity('407788990011', 'aws-checkout-dev'),
    });

    expect(await screen.findByText('Failing')).toBeInTheDocument();
    expect(verdict()).toBe('FAIL');
    expect(screen.getByText('A trail is failing')).toBeInTheDocument();
    expect(
      screen.getByText(
        'checkout-dev-trail: Role cannot write to the log group',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/permissions do not allow creating log streams/),
    ).toBeInTheDocument();
    // the organization trail passes and is not listed as a reason
    expect(screen.queryByText(/acme-org-trail/)).not.toBeInTheDocument();
    expect(screen.getByTestId('cis-aws-since')).toHaveTextContent(
      /^Failing since Nov 24, 2026, \d{1,2}:\d{2} [AP]M \(3 minutes ago\)$/,
    );
    expect(screen.getByTestId('cis-security-hub')).toHaveTextContent(
      'Security Hub: PASSED — disagrees with this check',
    );
    const owner = screen.getByTestId('cis-owner').querySelector('a');
    expect(owner?.getAttribute('href')).toContain(
      '/catalog/default/group/checkout-team',
    );
  });

  it('says why in plain words first; the reason codes, ARNs and exact times are behind Details', async () => {
    answer('/v1/accounts/407788990011', roleCannotWrite);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: accountEntity('407788990011', 'aws-checkout-dev'),
    });
    const card = await screen.findByTestId('cis-aws-card');
    await screen.findByText('Failing');
    const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/;
    expect(card).not.toHaveTextContent('ROLE_CANNOT_WRITE');
    expect(card).not.toHaveTextContent('TRAIL_FAILED');
    expect(card).not.toHaveTextContent('arn:aws:');
    expect(card.textContent).not.toMatch(ISO_TIME);

    const button = screen.getByRole('button', { name: 'Details of why' });
    expect(button).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'true');
    const details = screen.getByRole('region', { name: 'Details of why' });
    expect(details).toHaveTextContent('Reason codeTRAIL_FAILED');
    expect(details).toHaveTextContent(
      'arn:aws:cloudtrail:us-east-1:407788990011:trail/checkout-dev-trail (ROLE_CANNOT_WRITE)',
    );
    expect(details).toHaveTextContent(roleCannotWrite.evaluatedAt);

    await userEvent.click(button);
    expect(
      screen.queryByRole('region', { name: 'Details of why' }),
    ).not.toBeInTheDocument();
  });

  it('says a failing organization trail of another account is fixed in its owner account', async () => {
    const fixture = JSON.parse(JSON.stringify(roleCannotWrite));
    const org = fixture.evaluation.trails.find(
      (t: { inheritedFrom?: object }) => t.inheritedFrom,
    );
    Object.assign(org, {
      verdict: 'FAIL',
      underlyingVerdict: 'FAIL',
      reason: 'NOT_LOGGING',
    });
    answer('/v1/accounts/407788990011', fixture);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: accountEntity('407788990011', 'aws-checkout-dev'),
    });
    expect(
      await screen.findByText(
        'acme-org-trail: Trail is stopped (organization trail of account 401122334455, fixed there)',
      ),
    ).toBeInTheDocument();
  });

  it('wraps its explanations instead of cutting them: nothing but the verdict badge is kept on one line', async () => {
    answer('/v1/accounts/407788990011', roleCannotWrite);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: accountEntity('407788990011', 'aws-checkout-dev'),
    });
    const why = await screen.findByTestId('cis-why');
    const card = screen.getByTestId('cis-aws-card');
    const unwrapped = Array.from(card.querySelectorAll('*')).filter(
      el =>
        getComputedStyle(el).whiteSpace === 'nowrap' &&
        !el.closest('[data-testid="cis-verdict"]'),
    );
    expect(unwrapped).toEqual([]);
    const explanation = within(why).getByText(
      /permissions do not allow creating log streams/,
    );
    expect(getComputedStyle(explanation).textOverflow).not.toBe('ellipsis');
    expect(getComputedStyle(explanation).overflow).not.toBe('hidden');
  });

  it('shows an EXEMPT account: until when, why, who approved, the ticket, and the underlying FAIL', async () => {
    answer('/v1/accounts/404455667788', accountExempt);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: accountEntity('404455667788', 'aws-payments-staging'),
    });

    expect(await screen.findByText('Exempt')).toBeInTheDocument();
    expect(verdict()).toBe('EXEMPT');
    const exemption = screen.getByTestId('cis-aws-exemption');
    expect(exemption).toHaveTextContent(
      /Exempt until Dec 24, 2026, \d{1,2}:\d{2} [AP]M \(in 31 days\)/,
    );
    expect(exemption).toHaveTextContent(
      'Reason: Staging is being rebuilt by PAY-2041',
    );
    expect(within(exemption).getByText('alan').closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/user/alan',
    );
    expect(
      within(exemption).getByRole('link', { name: /^SEC-1234/ }),
    ).toHaveAttribute('href', 'https://jira.acme.example/browse/SEC-1234');
    expect(exemption).toHaveTextContent(
      'Would be FAIL: A trail is failing without it.',
    );
    // the underlying evaluation stays visible: the failing trail is still named
    expect(
      screen.getByText('payments-staging-trail: No log group configured'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('cis-aws-since')).toHaveTextContent(
      /^Exempt since Nov 24, 2026, .* \(1 minute ago\)$/,
    );
    // The exception did not reset the failure underneath: its episode keeps its start.
    expect(screen.getByTestId('cis-aws-failing-since')).toHaveTextContent(
      /^Failing since Nov 18, 2026, .* \(6 days ago\) \(not shown to be fixed since: errors and exceptions do not reset it\)$/,
    );
  });

  it('mentions a trail taken out of scope by an exception on a passing account', async () => {
    answer('/v1/accounts/404455667788', trailExempt);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: accountEntity('404455667788', 'aws-payments-staging'),
    });

    expect(await screen.findByText('Passing')).toBeInTheDocument();
    expect(screen.queryByTestId('cis-aws-exemption')).not.toBeInTheDocument();
    const trail = screen.getByTestId('cis-aws-trail-exemption');
    expect(trail).toHaveAttribute(
      'data-trail',
      'arn:aws:cloudtrail:us-east-1:404455667788:trail/payments-staging-trail',
    );
    expect(trail).toHaveTextContent(
      /Trail payments-staging-trail is exempt until Dec 8, 2026/,
    );
    expect(trail).toHaveTextContent(
      'Would be FAIL: No log group configured without it.',
    );
  });

  it('explains a trail whose delivery has stopped, with the last delivery time', async () => {
    answer('/v1/accounts/406677889900', deliveryStale);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: accountEntity('406677889900', 'aws-storefront-staging'),
    });

    expect(
      await screen.findByText('storefront-staging-trail: Delivery has stopped'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('cis-last-delivery')).toHaveTextContent(
      /^Last delivery to CloudWatch Logs 30 hours ago$/,
    );
  });

  it('explains an account without any trail', async () => {
    answer('/v1/accounts/409900112233', noTrails);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: accountEntity('409900112233', 'aws-analytics-sandbox'),
    });

    expect(await screen.findByText('No trails')).toBeInTheDocument();
    expect(screen.getByText(/has no CloudTrail trail/)).toBeInTheDocument();
    expect(screen.getByTestId('cis-last-delivery')).toHaveTextContent(
      /^Last delivery to CloudWatch Logs unknown$/,
    );
  });

  it('says why an account could not be checked (reader role not assumable)', async () => {
    answer('/v1/accounts/411122334455', accountError);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: accountEntity('411122334455', 'aws-legacy-billing'),
    });

    expect(await screen.findByText('Could not be checked')).toBeInTheDocument();
    expect(verdict()).toBe('ERROR');
    expect(
      screen.getByText('The reader role could not be assumed'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /reader role could not be assumed in this account \(AccessDenied, HTTP 403\)/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('cis-stale')).not.toBeInTheDocument();
  });

  it('shows the last definitive result next to a stale ERROR', async () => {
    answer('/v1/accounts/403344556677', accountStale);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: accountEntity('403344556677'),
    });

    expect(await screen.findByText('Could not be checked')).toBeInTheDocument();
    expect(verdict()).toBe('ERROR');
    expect(screen.getByTestId('cis-stale')).toHaveTextContent(
      'Last definitive result: PASS, 3 minutes ago',
    );
    // AWS's own words are behind the details, under the plain explanation
    expect(screen.getByTestId('cis-why')).not.toHaveTextContent(
      'InternalFailure',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Details of why' }),
    );
    expect(
      screen.getByRole('region', { name: 'Details of why' }),
    ).toHaveTextContent('cloudtrail:ListTrails InternalFailure (HTTP 500)');
  });

  it('says an unknown account has not been evaluated yet (404)', async () => {
    answer('/v1/accounts/412233445566', 'account 412233445566 not found', 404);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: accountEntity('412233445566', 'aws-new'),
    });

    expect(
      await screen.findByText(/has not been evaluated yet/),
    ).toBeInTheDocument();
    expect(screen.getByText(/evaluated within a minute/)).toBeInTheDocument();
    expect(screen.queryByText(/HTTP 404/)).not.toBeInTheDocument();
  });

  it('shows a backend error and fetches again on Retry', async () => {
    answer('/v1/accounts/403344556677', 'database is down', 500);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: accountEntity('403344556677'),
    });

    expect(
      await screen.findByText(/Could not load the CIS 2.4 result/),
    ).toBeInTheDocument();
    expect(screen.getByText(/database is down/)).toBeInTheDocument();

    answer('/v1/accounts/403344556677', accountPass);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Passing')).toBeInTheDocument();
    expect(screen.queryByText(/database is down/)).not.toBeInTheDocument();
  });

  it('reports a malformed annotation without calling the backend', async () => {
    const requests: string[] = [];
    const listener = ({ request }: { request: Request }) => {
      requests.push(request.url);
    };
    server.events.on('request:start', listener);
    try {
      await renderWithApis(<EntityCisAwsCard />, {
        entity: accountEntity('40334455667'),
      });
      expect(screen.getByTestId('cis-malformed')).toHaveTextContent(
        'not a 12-digit AWS account id: "40334455667"',
      );
      expect(screen.getByTestId('cis-malformed')).toHaveTextContent(
        'amazonaws.com/account-id: "123456789012"',
      );
      await waitFor(() => expect(requests).toEqual([]));
    } finally {
      server.events.removeListener('request:start', listener);
    }
  });
});
