import type { AccountSummary } from '@cis-aws/plugin-cis-aws-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderWithApis, setupMswServer } from '../../__testUtils__/render';
import { accountsToCsv, CSV_COLUMNS } from '../OrganizationPage/csv';
import { CisAwsPage } from '../OrganizationPage/CisAwsPage';
import {
  FIXTURE,
  rows,
  setup,
} from '../OrganizationPage/__testUtils__/fakeBackend';
import { EVALUATED_AT } from '../../__fixtures__/detection';

setupMswServer();

/** The listing's fixture, with detection summaries on three accounts and none on the rest. */
const ACCOUNTS: AccountSummary[] = FIXTURE.items.map((account, i) => {
  if (i === 0)
    return {
      ...account,
      detection: {
        verdict: 'FAIL',
        reason: 'NO_FILTER',
        failingChecks: ['3.3', '3.5'],
        failingSince: EVALUATED_AT,
        evaluatedAt: EVALUATED_AT,
      },
    };
  if (i === 1)
    return {
      ...account,
      detection: {
        verdict: 'PASS',
        failingChecks: [],
        evaluatedAt: EVALUATED_AT,
      },
    };
  if (i === 2)
    return {
      ...account,
      detection: {
        verdict: 'ERROR',
        reason: 'API_ERROR',
        failingChecks: ['3.4'],
        evaluatedAt: EVALUATED_AT,
      },
    };
  return account;
});

describe('detection on the organization page', () => {
  it('shows each account\'s detection verdict and failing checks in a "Detection" column', async () => {
    setup(ACCOUNTS);
    await renderWithApis(<CisAwsPage />);
    const table = await screen.findByRole('table', { name: 'AWS accounts' });
    expect(
      within(table).getByRole('columnheader', { name: 'Detection' }),
    ).toBeInTheDocument();
    const cells = (await rows()).map(row =>
      within(row).getByTestId('cis-detection-cell'),
    );
    expect(cells[0]).toHaveAttribute('data-verdict', 'FAIL');
    // plain words in the cell, the verdict code in its attribute
    expect(cells[0]).toHaveTextContent('Not watched3.3, 3.5');
    expect(cells[0]).not.toHaveTextContent('FAIL');
    expect(cells[1]).toHaveAttribute('data-verdict', 'PASS');
    expect(
      within(cells[1]).queryByTestId('cis-detection-failing-checks'),
    ).toBeNull();
    expect(cells[2]).toHaveTextContent('Could not be checked3.4');
    expect(cells[3]).toHaveTextContent('not evaluated');
  }, 120_000);

  it('filters by detection verdict through the `detection` query parameter, and clears it', async () => {
    const { listRequests } = setup(ACCOUNTS);
    await renderWithApis(<CisAwsPage />);
    await rows();
    expect(
      screen.getByRole('group', { name: 'Detection:' }),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByTestId('cis-detection-filter-FAIL'));
    await waitFor(() =>
      expect(screen.getAllByTestId('cis-account-row')).toHaveLength(1),
    );
    expect(listRequests().at(-1)!.getAll('detection')).toEqual(['FAIL']);
    expect(screen.getByTestId('cis-detection-filter-FAIL')).toHaveAttribute(
      'aria-pressed',
      'true',
    );

    fireEvent.click(screen.getByTestId('cis-detection-filter-ERROR'));
    await waitFor(() =>
      expect(screen.getAllByTestId('cis-account-row')).toHaveLength(2),
    );
    expect(listRequests().at(-1)!.getAll('detection')).toEqual([
      'FAIL',
      'ERROR',
    ]);

    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() =>
      expect(screen.getAllByTestId('cis-account-row')).toHaveLength(
        ACCOUNTS.length,
      ),
    );
    expect(listRequests().at(-1)!.getAll('detection')).toEqual([]);
  }, 120_000);

  it('exports the detection verdict, reason and failing checks in the CSV', () => {
    expect(CSV_COLUMNS.slice(-3)).toEqual([
      'detectionVerdict',
      'detectionReason',
      'detectionFailingChecks',
    ]);
    const lines = accountsToCsv(ACCOUNTS.slice(0, 4)).split('\r\n');
    expect(lines[1]).toMatch(/,FAIL,NO_FILTER,3\.3;3\.5$/);
    expect(lines[2]).toMatch(/,PASS,,$/);
    expect(lines[3]).toMatch(/,ERROR,API_ERROR,3\.4$/);
    // Not evaluated: empty, never a made-up verdict.
    expect(lines[4]).toMatch(/,resource:[^,]+,,,$/);
  });
});
