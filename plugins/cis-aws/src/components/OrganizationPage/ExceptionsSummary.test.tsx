import { AccountSummary } from '@cis-aws/plugin-cis-aws-common';
import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import activeExceptions from '../../__fixtures__/exceptions-active.json';
import {
  answer,
  BACKEND,
  renderWithApis,
  server,
  setupMswServer,
} from '../../__testUtils__/render';
import { freezeDateAtFixtures } from '../EntityCard/testClock';
import { CisAwsPage } from './CisAwsPage';
import { FIXTURE, setup } from './__testUtils__/fakeBackend';

setupMswServer();
freezeDateAtFixtures();

/** The demo accounts as they stand with the two exceptions of the fixture in force. */
function accountsWithExceptions(): AccountSummary[] {
  return FIXTURE.items.map(account => {
    if (account.accountId === '404455667788') {
      return { ...account, verdict: 'EXEMPT', reason: 'EXCEPTION' };
    }
    if (account.accountId === '407788990011') {
      // its only failing trail is out of scope; the organization trail passes
      return {
        ...account,
        verdict: 'PASS',
        reason: undefined,
        trailReasons: [],
      };
    }
    return account;
  });
}

const rows = () => screen.findAllByTestId('cis-aws-org-exception-row');

describe('Exceptions on the organization page', () => {
  it('lists the exceptions in force, soonest to expire first, with account, scope, reason, approver, expiry and ticket', async () => {
    setup(accountsWithExceptions());
    const statuses: (string | null)[] = [];
    server.use(
      http.get(`${BACKEND}/v1/exceptions`, ({ request }) => {
        statuses.push(new URL(request.url).searchParams.get('status'));
        return HttpResponse.json(activeExceptions);
      }),
    );
    await renderWithApis(<CisAwsPage />);

    const [checkout, payments] = await rows();
    expect(statuses).toEqual(['ACTIVE']);
    expect(
      within(checkout).getByText('checkout-dev (407788990011)').closest('a'),
    ).toHaveAttribute('href', '/catalog/default/resource/aws-checkout-dev');
    expect(checkout).toHaveTextContent('Trail checkout-dev-trail');
    expect(checkout).toHaveTextContent(
      'Dev trail role is replaced by the shared delivery role this sprint.',
    );
    expect(within(checkout).getByText('margaret').closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/user/margaret',
    );
    expect(checkout).toHaveTextContent(/in 4 days\s*Nov 27, 2026/);
    expect(
      within(checkout).getByRole('link', { name: /^CHK-88/ }),
    ).toHaveAttribute('href', 'https://jira.acme.example/browse/CHK-88');

    expect(
      within(payments)
        .getByText('payments-staging (404455667788)')
        .closest('a'),
    ).toHaveAttribute('href', '/catalog/default/resource/aws-payments-staging');
    expect(payments).toHaveTextContent('Whole account');
    expect(payments).toHaveTextContent(/in 31 days\s*Dec 24, 2026/);

    // EXEMPT counts in the totals, apart from PASS and FAIL
    await waitFor(() =>
      expect(screen.getByTestId('cis-total-EXEMPT')).toHaveTextContent('1'),
    );
  });

  it('says when no exception is in force', async () => {
    setup();
    await renderWithApis(<CisAwsPage />);
    expect(
      await screen.findByTestId('cis-aws-org-exceptions-empty'),
    ).toHaveTextContent('No exception is in force');
  });

  it('shows a failed request', async () => {
    setup();
    answer('/v1/exceptions', 'exception store unavailable', 503);
    await renderWithApis(<CisAwsPage />);
    const section = screen.getByTestId('cis-aws-org-exceptions');
    expect(
      (await within(section).findAllByText(/exception store unavailable/))
        .length,
    ).toBeGreaterThan(0);
    expect(
      within(section).queryByTestId('cis-aws-org-exception-row'),
    ).not.toBeInTheDocument();
  });
});
