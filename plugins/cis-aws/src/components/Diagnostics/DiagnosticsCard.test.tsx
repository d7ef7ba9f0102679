import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import wrongAdministrator from '../../__fixtures__/diagnostics-wrong-administrator.json';
import {
  answer,
  BACKEND,
  renderWithApis,
  server,
  setupMswServer,
} from '../../__testUtils__/render';
import { DiagnosticsCard } from './DiagnosticsCard';

setupMswServer();

describe('DiagnosticsCard', () => {
  it('shows Security Hub, Organizations and the reader roles as reachable', async () => {
    await renderWithApis(<DiagnosticsCard />);
    const securityHub = await screen.findByTestId(
      'cis-diagnostics-security-hub',
    );
    expect(securityHub).toHaveAttribute('data-status', 'OK');
    expect(securityHub).toHaveTextContent('Reachable');
    expect(securityHub).toHaveTextContent(
      'sees 9 active CloudTrail.5 findings',
    );
    expect(
      screen.getByTestId('cis-diagnostics-organizations'),
    ).toHaveTextContent('o-acme12345');
    expect(
      screen.getByTestId('cis-diagnostics-reader-roles'),
    ).toHaveTextContent('2 of 2 accounts: the reader role can be assumed');
    expect(
      screen.queryByTestId('cis-diagnostics-hint'),
    ).not.toBeInTheDocument();
    expect(screen.getByTestId('cis-diagnostics-detection')).toHaveAttribute(
      'data-status',
      'OK',
    );
    const actions = screen.getAllByTestId('cis-diagnostics-detection-action');
    expect(actions.map(a => a.getAttribute('data-action'))).toEqual([
      'logs:DescribeMetricFilters',
      'logs:TestMetricFilter',
      'cloudwatch:DescribeAlarmsForMetric',
      'sns:ListSubscriptionsByTopic',
    ]);
    for (const action of actions) expect(action).toHaveTextContent('Allowed');
  });

  it('names the detection action the reader role lacks, what it does, and what to do', async () => {
    answer('/v1/diagnostics', wrongAdministrator);
    await renderWithApis(<DiagnosticsCard />);
    const detection = await screen.findByTestId('cis-diagnostics-detection');
    expect(detection).toHaveAttribute('data-status', 'PROBLEM');
    expect(detection).toHaveTextContent(
      'The reader role in 410011223344 (us-east-1) may not call logs:TestMetricFilter.',
    );
    expect(
      within(detection).getByTestId('cis-diagnostics-hint'),
    ).toHaveTextContent('cisAws.detection.testMetricFilter: false');
    const refused = within(detection)
      .getAllByTestId('cis-diagnostics-detection-action')
      .filter(a => a.getAttribute('data-status') !== 'OK');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toHaveAttribute('data-action', 'logs:TestMetricFilter');
    expect(refused[0]).toHaveTextContent(
      /^Refused\s*logs:TestMetricFilter — Without it, patterns are judged by the local evaluator/,
    );
  });

  it('shows a wrong Security Hub administrator as a problem, with the hint in plain words', async () => {
    answer('/v1/diagnostics', wrongAdministrator);
    await renderWithApis(<DiagnosticsCard />);
    const securityHub = await screen.findByTestId(
      'cis-diagnostics-security-hub',
    );
    expect(securityHub).toHaveAttribute('data-status', 'PROBLEM');
    expect(securityHub).toHaveTextContent('Problem');
    expect(securityHub).toHaveTextContent('410011223344');
    expect(securityHub).toHaveTextContent(
      'sees no active CloudTrail.5 finding',
    );
    expect(
      within(securityHub).getByTestId('cis-diagnostics-hint'),
    ).toHaveTextContent(/wrong account.*not invited.*not aggregated/);
    // The account whose reader role is refused comes first, with the refused call.
    const [first] = screen.getAllByTestId('cis-diagnostics-role');
    expect(first).toHaveAttribute('data-account', '411122334455');
    expect(first).toHaveAttribute('data-status', 'PROBLEM');
    expect(first).toHaveTextContent(
      'sts:AssumeRole: AccessDenied, HTTP 403 — not authorized',
    );
    expect(
      screen.getByTestId('cis-diagnostics-reader-roles'),
    ).toHaveTextContent('1 of 3 accounts: the reader role cannot be assumed');
  });

  it('checks again on request', async () => {
    let calls = 0;
    server.use(
      http.get(`${BACKEND}/v1/diagnostics`, () => {
        calls += 1;
        return HttpResponse.json(wrongAdministrator);
      }),
    );
    await renderWithApis(<DiagnosticsCard />);
    await screen.findByTestId('cis-diagnostics-security-hub');
    await userEvent.click(screen.getByRole('button', { name: 'Check again' }));
    await screen.findByTestId('cis-diagnostics-security-hub');
    expect(calls).toBe(2);
  });

  it('shows the error when the diagnosis cannot be fetched', async () => {
    answer('/v1/diagnostics', 'Security Hub exploded', 500);
    await renderWithApis(<DiagnosticsCard />);
    expect(
      (await screen.findAllByText(/Security Hub exploded/)).length,
    ).toBeGreaterThan(0);
    expect(
      screen.queryByTestId('cis-diagnostics-security-hub'),
    ).not.toBeInTheDocument();
  });
});
