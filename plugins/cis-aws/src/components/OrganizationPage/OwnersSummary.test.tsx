import { OwnersResponse } from '@cis-aws/plugin-cis-aws-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import ownersFixture from '../../__fixtures__/owners.json';
import {
  BACKEND,
  renderWithApis,
  server,
  setupMswServer,
} from '../../__testUtils__/render';
import { formatDuration } from '../common/duration';
import { OwnersSummary } from './OwnersSummary';
import { useOwners } from './useOrganizationData';
import { useState } from 'react';

setupMswServer();

const NOW = new Date('2026-12-01T02:11:00.000Z');
const fixture = ownersFixture as OwnersResponse;

function ownerRow(name: string): HTMLElement {
  return screen
    .getAllByTestId('cis-owner-row')
    .find(row => within(row).queryByText(name))!;
}

describe('OwnersSummary: failure age and time to fix per team', () => {
  it("shows each team's oldest open failure and the median and longest time to fix in the period", async () => {
    await renderWithApis(
      <OwnersSummary
        response={fixture}
        loading={false}
        onSelectOwner={jest.fn()}
        days={30}
        onDaysChange={jest.fn()}
        now={NOW}
      />,
    );
    expect(
      screen.getByText('Time to fix (2026-11-02 – 2026-12-01)'),
    ).toBeInTheDocument();

    const checkout = ownerRow('checkout-team');
    // Failing since 2026-11-20T02:11Z, measured at 2026-12-01T02:11Z: 11 days.
    expect(
      within(checkout).getByTestId('cis-owner-oldest-failure'),
    ).toHaveTextContent(/^11 dayssince .*Nov 20, 2026.* · 2 failing$/);
    expect(
      within(checkout).getByTestId('cis-owner-time-to-fix'),
    ).toHaveTextContent('2 days median6 days longest · 3 fixed');

    const data = ownerRow('data-team');
    expect(within(data).getByTestId('cis-owner-time-to-fix')).toHaveTextContent(
      'None fixed',
    );
    const platform = ownerRow('platform-team');
    expect(
      within(platform).getByTestId('cis-owner-oldest-failure'),
    ).toHaveTextContent('—');
  });

  it('asks the backend for the period the reader picks', async () => {
    const asked: URLSearchParams[] = [];
    server.use(
      http.get(`${BACKEND}/v1/owners`, ({ request }) => {
        asked.push(new URL(request.url).searchParams);
        return HttpResponse.json(fixture);
      }),
    );
    function Harness() {
      const [days, setDays] = useState(30);
      const owners = useOwners(days);
      return (
        <OwnersSummary
          response={owners.value}
          loading={owners.loading}
          error={owners.error}
          onSelectOwner={jest.fn()}
          days={days}
          onDaysChange={setDays}
        />
      );
    }
    await renderWithApis(<Harness />);
    await screen.findAllByTestId('cis-owner-row');
    expect(asked).toHaveLength(1);
    const spanDays = (q: URLSearchParams) =>
      (Date.parse(q.get('to')!) - Date.parse(q.get('from')!)) / 86_400_000 + 1;
    expect(spanDays(asked[0])).toBe(30);

    await userEvent.click(screen.getByRole('button', { name: '90 days' }));
    await screen.findByRole('button', { name: '90 days', pressed: true });
    expect(asked.length).toBeGreaterThanOrEqual(2);
    expect(spanDays(asked[asked.length - 1])).toBe(90);
  });
});

describe('OwnersSummary: detection content per team', () => {
  const render = (response: OwnersResponse) =>
    renderWithApis(
      <OwnersSummary
        response={response}
        loading={false}
        onSelectOwner={jest.fn()}
        days={30}
        onDaysChange={jest.fn()}
        now={NOW}
      />,
    );

  it("says how many of each team's accounts fail detection, in the cards' words", async () => {
    await render(fixture);
    expect(
      screen.getByRole('columnheader', { name: 'Detection (CIS 3.x)' }),
    ).toBeInTheDocument();
    const cell = (name: string) =>
      within(ownerRow(name)).getByTestId('cis-owner-detection');
    expect(cell('checkout-team')).toHaveTextContent('1 of 3 accounts fail');
    expect(cell('checkout-team')).toHaveAttribute('data-failing', '1');
    expect(cell('data-team')).toHaveTextContent('0 of 3 accounts fail');
    expect(cell('payments-team')).toHaveTextContent(
      '1 of 3 accounts fail; 1 could not be checked',
    );
    expect(cell('platform-team')).toHaveTextContent('1 of 1 account fails');
    expect(cell('security-team')).toHaveTextContent('not evaluated');
  });

  it('has no detection column when the backend serves no detection (turned off)', async () => {
    await render({
      ...fixture,
      owners: fixture.owners.map(
        ({ detection: _detection, ...owner }) => owner,
      ),
    });
    expect(
      screen.queryByRole('columnheader', { name: 'Detection (CIS 3.x)' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByTestId('cis-owner-detection')).not.toBeInTheDocument();
  });
});

describe('formatDuration', () => {
  it('reads in minutes, then hours from two hours, then days from two days', () => {
    expect(formatDuration(10_000)).toBe('1 minute');
    expect(formatDuration(45 * 60_000)).toBe('45 minutes');
    expect(formatDuration(119 * 60_000)).toBe('119 minutes');
    expect(formatDuration(5 * 3_600_000)).toBe('5 hours');
    expect(formatDuration(47 * 3_600_000)).toBe('47 hours');
    expect(formatDuration(6 * 86_400_000)).toBe('6 days');
  });
});
