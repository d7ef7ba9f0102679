import { AccountSummary } from '@cis-aws/plugin-cis-aws-common';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import accountsList from '../../__fixtures__/accounts-list.json';
import {
  BACKEND,
  renderWithApis,
  server,
  setupMswServer,
} from '../../__testUtils__/render';
import { HomePageCisAwsMyAccountsCard } from './HomePageCisAwsMyAccountsCard';

setupMswServer();

const CHECKOUT = (accountsList.items as AccountSummary[]).filter(
  a => a.ownerRef === 'group:default/checkout-team',
);

/** The backend answering `mine=true` with the checkout team's accounts, worst first. */
function answerMine(
  items: AccountSummary[] = CHECKOUT,
  totalCount = items.length,
) {
  const asked: URLSearchParams[] = [];
  server.use(
    http.get(`${BACKEND}/v1/accounts`, ({ request }) => {
      const params = new URL(request.url).searchParams;
      asked.push(params);
      const totals = { PASS: 0, FAIL: 0, ERROR: 0, UNKNOWN: 0, EXEMPT: 0 };
      for (const a of items) totals[a.verdict as keyof typeof totals] += 1;
      return HttpResponse.json({
        items,
        totalCount,
        totals,
        offset: 0,
        limit: Number(params.get('limit')),
      });
    }),
  );
  return asked;
}

describe('HomePageCisAwsMyAccountsCard', () => {
  it("asks for the signed-in user's own accounts, worst first, in one request", async () => {
    const asked = answerMine();
    await renderWithApis(<HomePageCisAwsMyAccountsCard />);
    await screen.findAllByTestId('cis-my-account');
    expect(asked).toHaveLength(1);
    expect(asked[0].get('mine')).toBe('true');
    expect(asked[0].get('orderBy')).toBe('verdict');
  });

  it('shows each account with its verdict, plain reason and failing-since, linking to its CIS tab', async () => {
    const failingSince = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const [dev, ...rest] = CHECKOUT;
    answerMine([{ ...dev, failingSince }, ...rest]);
    await renderWithApis(<HomePageCisAwsMyAccountsCard />);

    expect(await screen.findByText('My AWS accounts')).toBeInTheDocument();
    expect(screen.getByTestId('cis-my-accounts-summary')).toHaveTextContent(
      '2 of your 3 accounts fail CIS 2.4.',
    );
    const lines = screen.getAllByTestId('cis-my-account');
    expect(lines.map(l => l.dataset.account)).toEqual(
      CHECKOUT.map(a => a.accountId),
    );
    const first = within(lines[0]);
    expect(first.getByTestId('cis-verdict')).toHaveAttribute(
      'data-verdict',
      'FAIL',
    );
    // The trail's own reason in plain words, not TRAIL_FAILED.
    expect(
      first.getByText('Role cannot write to the log group', { exact: false }),
    ).toBeInTheDocument();
    expect(first.getByTestId('cis-my-account-failing-since')).toHaveTextContent(
      'failing since 3 days ago',
    );
    expect(first.getByRole('link', { name: dev.title })).toHaveAttribute(
      'href',
      '/catalog/default/resource/aws-checkout-dev/cis-aws',
    );
    const passing = within(lines[2]);
    expect(passing.getByTestId('cis-verdict')).toHaveAttribute(
      'data-verdict',
      'PASS',
    );
    expect(
      passing.queryByTestId('cis-my-account-failing-since'),
    ).not.toBeInTheDocument();
  });

  it('says how many are left out when the user owns more than it lists', async () => {
    answerMine(CHECKOUT, 45);
    await renderWithApis(<HomePageCisAwsMyAccountsCard />);
    expect(
      await screen.findByText('The 3 most urgent of 45 shown.'),
    ).toBeInTheDocument();
  });

  it('explains what makes an account yours when the groups own none', async () => {
    answerMine([]);
    await renderWithApis(<HomePageCisAwsMyAccountsCard />);
    expect(
      await screen.findByText(/Your groups own no evaluated AWS account/),
    ).toBeInTheDocument();
  });

  it("shows the backend's error instead of an empty card", async () => {
    server.use(
      http.get(`${BACKEND}/v1/accounts`, () =>
        HttpResponse.json(
          {
            error: { name: 'InputError', message: 'boom' },
            request: { method: 'GET', url: '/v1/accounts' },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    await renderWithApis(<HomePageCisAwsMyAccountsCard />);
    expect((await screen.findAllByText(/boom/)).length).toBeGreaterThan(0);
    expect(screen.queryByTestId('cis-my-account')).not.toBeInTheDocument();
  });
});
