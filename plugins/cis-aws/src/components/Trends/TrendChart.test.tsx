import { TrendPoint, TrendResponse } from '@cis-aws/plugin-cis-aws-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import {
  answer,
  BACKEND,
  renderWithApis,
  server,
  setupMswServer,
} from '../../__testUtils__/render';
import { TrendChart } from './TrendChart';
import { trendCsvFileName, trendToCsv } from './trendCsv';

setupMswServer();

function point(
  date: string,
  counts: Partial<TrendPoint['counts']> | undefined,
): TrendPoint {
  const full = { PASS: 0, FAIL: 0, ERROR: 0, UNKNOWN: 0, EXEMPT: 0, ...counts };
  const accountCount = Object.values(full).reduce((a, b) => a + b, 0);
  return {
    date,
    counts: full,
    accountCount,
    compliantShare: accountCount
      ? (full.PASS + full.EXEMPT) / accountCount
      : null,
  };
}

const SERIES: TrendPoint[] = [
  point('2026-12-01', { PASS: 10, FAIL: 2 }),
  point('2026-12-02', undefined),
  point('2026-12-03', { PASS: 11, FAIL: 1, EXEMPT: 0 }),
  point('2026-12-04', { PASS: 11, EXEMPT: 1 }),
];

/** Answers the trend route with SERIES and records what was asked for. */
function serveSeries() {
  const asked: URLSearchParams[] = [];
  server.use(
    http.get(`${BACKEND}/v1/trends`, ({ request }) => {
      const params = new URL(request.url).searchParams;
      asked.push(params);
      const body: TrendResponse = {
        ...(params.get('entityRef')
          ? { entityRef: params.get('entityRef')! }
          : {}),
        from: params.get('from')!,
        to: params.get('to')!,
        groupBy: 'day',
        points: SERIES,
      };
      return HttpResponse.json(body);
    }),
  );
  return asked;
}

const daysBetween = (params: URLSearchParams) =>
  (Date.parse(params.get('to')!) - Date.parse(params.get('from')!)) /
    86_400_000 +
  1;

describe('TrendChart', () => {
  it('draws the share per day, with each day described, and breaks the line where nothing was evaluated', async () => {
    const asked = serveSeries();
    await renderWithApis(
      <TrendChart entityRef="group:default/payments-team" />,
    );
    const chart = await screen.findByRole('img', {
      name: /Compliant share per day from 2026-12-01 to 2026-12-04: 83.3% on 2026-12-01, 100% on 2026-12-04, lowest 83.3%/,
    });
    expect(asked[0].get('entityRef')).toBe('group:default/payments-team');
    expect(daysBetween(asked[0])).toBe(30);
    // Two runs of evaluated days: 12-01, then 12-03 and 12-04.
    expect(
      within(chart as any).getAllByTestId('cis-trend-segment'),
    ).toHaveLength(2);
    const days = within(chart as any).getAllByTestId('cis-trend-day');
    expect(days.map(d => d.querySelector('title')!.textContent)).toEqual([
      '2026-12-01: 83.3% compliant (10 of 12); 2 FAIL',
      '2026-12-02: not evaluated',
      '2026-12-03: 91.7% compliant (11 of 12); 1 FAIL',
      '2026-12-04: 100% compliant (12 of 12); 1 EXEMPT',
    ]);
    // Bars: one rect per verdict present that day.
    expect(days[0].querySelectorAll('rect[data-verdict]').length).toBe(2);
    expect(days[1].querySelectorAll('rect[data-verdict]').length).toBe(0);
    expect(
      screen.getByText('100% compliant on 2026-12-04 (83.3% on 2026-12-01)'),
    ).toBeInTheDocument();
  });

  it('asks for the period chosen', async () => {
    const asked = serveSeries();
    await renderWithApis(<TrendChart />);
    await screen.findByRole('img', { name: /Compliant share per day/ });
    expect(asked[0].get('entityRef')).toBeNull();
    const ninety = screen.getByRole('button', { name: '90 days' });
    expect(ninety).toHaveAttribute('aria-pressed', 'false');
    fireEvent.click(ninety);
    await waitFor(() => expect(asked).toHaveLength(2));
    expect(daysBetween(asked[1])).toBe(90);
    fireEvent.click(screen.getByRole('button', { name: '365 days' }));
    await waitFor(() => expect(asked).toHaveLength(3));
    expect(daysBetween(asked[2])).toBe(365);
    expect(screen.getByRole('button', { name: '365 days' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });

  it('says so when nothing was evaluated in the period', async () => {
    await renderWithApis(<TrendChart />);
    expect(
      await screen.findByText('No account was evaluated in the last 30 days.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
  });

  it('shows the backend’s error', async () => {
    answer('/v1/trends', 'No entity group:default/x', 404);
    await renderWithApis(<TrendChart entityRef="group:default/x" />);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The trend could not be loaded: No entity group:default/x (HTTP 404)',
    );
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
  });

  it('downloads the series as CSV', async () => {
    serveSeries();
    const created: Blob[] = [];
    (URL as any).createObjectURL = jest.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:trend';
    });
    (URL as any).revokeObjectURL = jest.fn();
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => undefined);
    try {
      await renderWithApis(<TrendChart entityRef="system:default/payments" />);
      fireEvent.click(
        await screen.findByRole('button', { name: /download series/i }),
      );
      const link = click.mock.contexts[0] as HTMLAnchorElement;
      expect(link.download).toMatch(
        /^cis-aws-2\.4-trend-system-default-payments-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/,
      );
      expect(created).toHaveLength(1);
    } finally {
      click.mockRestore();
    }
  });
});

describe('trendToCsv', () => {
  it('has one line per day, the share in percent and the counts per verdict', () => {
    const trend: TrendResponse = {
      from: '2026-12-01',
      to: '2026-12-04',
      groupBy: 'day',
      points: SERIES,
    };
    expect(trendToCsv(trend).split('\r\n')).toEqual([
      'date,accounts,compliantPercent,PASS,EXEMPT,UNKNOWN,ERROR,FAIL',
      '2026-12-01,12,83.3,10,0,0,0,2',
      '2026-12-02,0,,0,0,0,0,0',
      '2026-12-03,12,91.7,11,0,0,0,1',
      '2026-12-04,12,100,11,1,0,0,0',
      '',
    ]);
    expect(trendCsvFileName(trend)).toBe(
      'cis-aws-2.4-trend-organization-2026-12-01-to-2026-12-04.csv',
    );
  });
});
