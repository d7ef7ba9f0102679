import { AccountSummary } from '@cis-aws/plugin-cis-aws-common';
import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import userEvent from '@testing-library/user-event';
import activeExceptions from '../../__fixtures__/exceptions-active.json';
import pendingExceptions from '../../__fixtures__/exceptions-pending.json';
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

const CHECKOUT_DEV = activeExceptions.items[1];

/** The backend's three lists: in force, pending, expiring within 14 days (checkout-dev's). */
function serveLists(pending: object = pendingExceptions) {
  const statuses: (string | null)[] = [];
  server.use(
    http.get(`${BACKEND}/v1/exceptions`, ({ request }) => {
      const status = new URL(request.url).searchParams.get('status');
      statuses.push(status);
      if (status === 'PENDING') return HttpResponse.json(pending);
      if (status === 'EXPIRING') {
        return HttpResponse.json({
          ...activeExceptions,
          items: [CHECKOUT_DEV],
        });
      }
      return HttpResponse.json(activeExceptions);
    }),
  );
  return statuses;
}

describe('Exceptions on the organization page', () => {
  it('lists the exceptions in force, soonest to expire first, with account, scope, reason, approver, expiry and ticket', async () => {
    setup(accountsWithExceptions());
    const statuses = serveLists();
    await renderWithApis(<CisAwsPage />);

    const [checkout, payments] = await rows();
    expect([...statuses].sort()).toEqual(['ACTIVE', 'EXPIRING', 'PENDING']);
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
    expect(within(checkout).getByText('linus').closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/user/linus',
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

  it('lists the pending requests with Approve and Reject for approvers, never on their own, and those expiring soon', async () => {
    setup(accountsWithExceptions());
    serveLists();
    const decided: { url: string; body: unknown }[] = [];
    server.use(
      http.post(
        `${BACKEND}/v1/exceptions/:exceptionId/approve`,
        async ({ request }) => {
          decided.push({ url: request.url, body: await request.json() });
          return HttpResponse.json({
            ...pendingExceptions.items[0],
            state: 'APPROVED',
            status: 'ACTIVE',
          });
        },
      ),
    );
    await renderWithApis(<CisAwsPage />);

    const pending = await screen.findAllByTestId('cis-aws-org-pending-row');
    // oldest request first: guest's own (08:40), then barbara's (08:50)
    const [own, barbaras] = pending;
    expect(own).toHaveTextContent('Audit of the landing zone rebuild');
    expect(barbaras).toHaveTextContent('payments-staging (404455667788)');
    expect(barbaras).toHaveTextContent('Trail payments-staging-trail');
    expect(barbaras).toHaveTextContent('barbara');
    expect(within(own).getByRole('button', { name: 'Approve' })).toBeDisabled();
    expect(within(own).getByRole('button', { name: 'Reject' })).toBeDisabled();

    const expiring = within(
      screen.getByTestId('cis-aws-org-expiring'),
    ).getAllByTestId('cis-aws-org-expiring-row');
    expect(expiring).toHaveLength(1);
    expect(expiring[0]).toHaveTextContent('checkout-dev (407788990011)');
    expect(screen.getByTestId('cis-aws-org-expiring')).toHaveTextContent(
      'Expiring soon (14 days)',
    );

    await userEvent.click(
      within(barbaras).getByRole('button', { name: 'Approve' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    await waitFor(() =>
      expect(decided).toEqual([
        {
          url: `${BACKEND}/v1/exceptions/${pendingExceptions.items[0].id}/approve`,
          body: {},
        },
      ]),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('shows the requests without actions to someone who does not approve', async () => {
    setup();
    serveLists({
      ...pendingExceptions,
      viewer: { entityRef: 'user:default/guest', approver: false },
    });
    await renderWithApis(<CisAwsPage />);
    const pending = await screen.findAllByTestId('cis-aws-org-pending-row');
    expect(pending).toHaveLength(2);
    expect(within(pending[1]).queryByRole('button')).not.toBeInTheDocument();
    expect(screen.getByTestId('cis-aws-org-pending')).toHaveTextContent(
      'Members of the approver groups (cisAws.exceptions.approvers) decide them.',
    );
  });

  it('says when no exception is in force, pending or expiring', async () => {
    setup();
    await renderWithApis(<CisAwsPage />);
    expect(
      await screen.findByTestId('cis-aws-org-exceptions-empty'),
    ).toHaveTextContent('No exception is in force');
    expect(
      await screen.findByTestId('cis-aws-org-pending-empty'),
    ).toHaveTextContent('No request awaits a decision.');
    expect(
      await screen.findByTestId('cis-aws-org-expiring-empty'),
    ).toHaveTextContent('No exception expires within 14 days.');
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
