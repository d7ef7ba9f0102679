import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import exempt from '../../__fixtures__/account-exempt.json';
import noLogGroup from '../../__fixtures__/account-no-log-group.json';
import history from '../../__fixtures__/history-payments-staging.json';
import {
  accountEntity,
  answer,
  BACKEND,
  renderWithApis,
  server,
  setupMswServer,
} from '../../__testUtils__/render';
import { FIXTURE_NOW, freezeDateAtFixtures } from '../EntityCard/testClock';
import { EntityCisAwsContent } from './index';

setupMswServer();
freezeDateAtFixtures();

const ACCOUNT = '404455667788';
const TRAIL =
  'arn:aws:cloudtrail:us-east-1:404455667788:trail/payments-staging-trail';
const DAY_MS = 86_400_000;

/** Serves the fixture's history and records the query of every request. */
function serveHistory(body: object = history) {
  const queries: URLSearchParams[] = [];
  server.use(
    http.get(`${BACKEND}/v1/accounts/${ACCOUNT}/history`, ({ request }) => {
      queries.push(new URL(request.url).searchParams);
      return HttpResponse.json(body);
    }),
  );
  return queries;
}

async function showTab(account: object = exempt) {
  answer(`/v1/accounts/${ACCOUNT}`, account as never);
  await renderWithApis(<EntityCisAwsContent />, {
    entity: accountEntity(ACCOUNT, 'aws-payments-staging'),
  });
  return screen.findByTestId('cis-aws-history');
}

const entries = (panel: HTMLElement) =>
  within(panel).queryAllByTestId('cis-aws-history-entry');
const attr = (name: string) => (els: HTMLElement[]) =>
  els.map(el => el.getAttribute(name));

describe('Failure age on the tab', () => {
  it('shows failing since from the open episode under an exception, and the episodes in the history', async () => {
    serveHistory();
    const panel = await showTab();
    expect(screen.getByTestId('cis-aws-failing-since')).toHaveTextContent(
      /^Failing since Nov 18, 2026, .*: not shown to be fixed since \(an error or an exception does not reset it\)\.$/,
    );
    const episodes = await within(panel).findAllByTestId(
      'cis-aws-failure-episode',
    );
    expect(episodes.map(e => e.textContent)).toEqual([
      expect.stringMatching(/^failing since Nov 18, 2026, .*, still failing$/),
    ]);
  });
});

describe('History on the tab', () => {
  it("shows the account's verdict changes newest first: from → to, when, and why in plain words", async () => {
    const queries = serveHistory();
    const panel = await showTab();
    await waitFor(() => expect(entries(panel)).toHaveLength(3));

    const shown = entries(panel);
    expect(attr('data-to')(shown)).toEqual(['EXEMPT', 'FAIL', 'PASS']);
    expect(attr('data-from')(shown)).toEqual(['FAIL', 'PASS', '']);
    expect(attr('data-trail')(shown)).toEqual(['', '', '']);
    expect(shown[0]).toHaveTextContent('Exception approved');
    expect(shown[0]).toHaveTextContent(/Nov 24, 2026.*1 minute ago/);
    expect(shown[1]).toHaveTextContent('A trail is failing');
    expect(shown[1]).toHaveTextContent(/Nov 18, 2026.*6 days ago/);
    expect(shown[2]).toHaveTextContent('first recorded');
    expect(shown[2]).toHaveTextContent(
      'Every trail delivers to CloudWatch Logs',
    );
    expect(panel).toHaveTextContent(
      '3 change(s) of trail verdicts in the last 30 days are not shown',
    );
    // the last 30 days by default
    expect(queries).toHaveLength(1);
    expect(queries[0].get('from')).toBe(
      new Date(FIXTURE_NOW.getTime() - 30 * DAY_MS).toISOString(),
    );
  });

  it("shows one trail's changes, or every trail's, when chosen", async () => {
    serveHistory();
    const panel = await showTab();
    await waitFor(() => expect(entries(panel)).toHaveLength(3));

    await userEvent.selectOptions(
      within(panel).getByTestId('cis-aws-history-scope'),
      TRAIL,
    );
    const trail = entries(panel);
    expect(attr('data-to')(trail)).toEqual(['FAIL', 'PASS']);
    expect(attr('data-trail')(trail)).toEqual([TRAIL, TRAIL]);
    expect(trail[0]).toHaveTextContent('Trail payments-staging-trail:');
    expect(trail[0]).toHaveTextContent('No log group configured');
    expect(trail[1]).toHaveTextContent('The trail delivers to CloudWatch Logs');

    await userEvent.selectOptions(
      within(panel).getByTestId('cis-aws-history-scope'),
      'trails',
    );
    expect(entries(panel)).toHaveLength(3);
    expect(panel).not.toHaveTextContent('are not shown');
  });

  it('asks the backend for the range chosen, and for everything it keeps', async () => {
    const queries = serveHistory();
    const panel = await showTab();
    await waitFor(() => expect(entries(panel)).toHaveLength(3));
    const range = within(panel).getByTestId('cis-aws-history-range');
    expect(
      within(range).getByRole('option', {
        name: 'Everything kept (400 days)',
      }),
    ).toBeInTheDocument();

    await userEvent.selectOptions(range, '365');
    await waitFor(() => expect(queries).toHaveLength(2));
    expect(queries[1].get('from')).toBe(
      new Date(FIXTURE_NOW.getTime() - 365 * DAY_MS).toISOString(),
    );

    await userEvent.selectOptions(range, 'all');
    await waitFor(() => expect(queries).toHaveLength(3));
    expect(queries[2].has('from')).toBe(false);
  });

  it('says so when nothing changed in the range, with since when the verdict holds', async () => {
    const panel = await showTab(noLogGroup);
    expect(
      await within(panel).findByTestId('cis-aws-history-empty'),
    ).toHaveTextContent(
      /^No change of the account's verdict in the last 30 days: it has been failing since Nov 24, 2026, .* \(3 minutes ago\)\.$/,
    );
    expect(entries(panel)).toHaveLength(0);
  });

  it('shows a failed history request and fetches again on Retry', async () => {
    answer(`/v1/accounts/${ACCOUNT}/history`, 'history store unavailable', 503);
    const panel = await showTab();
    expect(
      await within(panel).findByText(/Could not load the history/),
    ).toHaveTextContent('history store unavailable');

    serveHistory();
    await userEvent.click(within(panel).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(entries(panel)).toHaveLength(3));
  });
});

describe('Detection (CIS 3.x) in the history', () => {
  it("shows the detection control's changes and failure episodes apart from 2.4's, labelled", async () => {
    serveHistory();
    const panel = await showTab();
    const section = await within(panel).findByTestId('cis-detection-history');
    expect(
      within(section).getByRole('heading', { level: 3 }),
    ).toHaveTextContent('Detection (CIS 3.x)');
    const shown = within(section).getAllByTestId('cis-detection-history-entry');
    expect(attr('data-to')(shown)).toEqual(['ERROR', 'PASS', 'FAIL']);
    expect(attr('data-from')(shown)).toEqual(['PASS', 'FAIL', '']);
    expect(shown[0]).toHaveTextContent('An AWS call failed');
    expect(shown[0]).toHaveTextContent(/Nov 20, 2026.*4 days ago/);
    expect(shown[1]).toHaveTextContent(
      'Every required check is watched: alerts reach a confirmed subscriber',
    );
    expect(shown[2]).toHaveTextContent('first recorded');
    expect(shown[2]).toHaveTextContent('No confirmed subscriber');
    // 2.4's timeline does not take them in.
    expect(entries(panel)).toHaveLength(3);
    expect(
      within(section)
        .getAllByTestId('cis-detection-failure-episode')
        .map(e => e.textContent),
    ).toEqual([
      expect.stringMatching(
        /^not watched since Oct 27, 2026, .* \(no confirmed subscriber\), fixed Nov 2, 2026, .* \(time to fix 6 days 0 hours\)$/,
      ),
    ]);
    // 2.4's episodes stay 2.4's.
    expect(
      within(panel).getAllByTestId('cis-aws-failure-episode'),
    ).toHaveLength(1);
  });

  it('says so when the detection verdict did not change, and shows nothing when detection is off', async () => {
    serveHistory({
      ...history,
      detection: { controlId: 'cis-3.x-detection', changes: [], episodes: [] },
    });
    const panel = await showTab();
    expect(
      await within(panel).findByTestId('cis-detection-history-empty'),
    ).toHaveTextContent(
      'No change of the detection verdict in the last 30 days.',
    );
    expect(
      within(panel).queryByTestId('cis-detection-failure-episodes'),
    ).toBeNull();
  });

  it('has no detection section when the backend sends no detection history', async () => {
    const { detection: _off, ...withoutDetection } = history;
    serveHistory(withoutDetection);
    const panel = await showTab();
    await waitFor(() => expect(entries(panel)).toHaveLength(3));
    expect(within(panel).queryByTestId('cis-detection-history')).toBeNull();
  });
});
