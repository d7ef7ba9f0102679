import { VERDICTS } from '@cis-aws/plugin-cis-aws-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import ownersFixture from '../../__fixtures__/owners.json';
import {
  answer,
  renderWithApis,
  setupMswServer,
} from '../../__testUtils__/render';
import { CisAwsPage } from './CisAwsPage';
import { NO_OWNER_TEXT } from './OwnersSummary';
import {
  FIXTURE,
  rows,
  setup,
  syntheticAccounts,
} from './__testUtils__/fakeBackend';

setupMswServer();

describe('CisAwsPage', () => {
  it('shows the organization totals, the compliance and the last run', async () => {
    setup();
    await renderWithApis(<CisAwsPage />);
    expect(screen.getByText('CIS AWS 2.4')).toBeInTheDocument();
    expect(
      screen.getByText(
        'CloudTrail trails integrated with CloudWatch Logs (Security Hub CloudTrail.5), and who is alerted on what arrives (detection, CIS 3.x)',
      ),
    ).toBeInTheDocument();
    for (const verdict of VERDICTS) {
      expect(
        await screen.findByTestId(`cis-total-${verdict}`),
      ).toHaveTextContent(String(FIXTURE.totals[verdict]));
    }
    expect(screen.getByTestId('cis-total-ALL')).toHaveTextContent(
      String(FIXTURE.totalCount),
    );
    // PASS 5 + EXEMPT 0 of 11, floored to one decimal.
    expect(screen.getByTestId('cis-total-compliance')).toHaveTextContent(
      '45.4%',
    );
    expect(await screen.findByTestId('cis-last-run')).toHaveTextContent(
      /Last evaluation finished .*11 of 11 accounts evaluated, 1 with errors/,
    );
  });

  it('lists accounts with plain-words reasons and links to accounts, owners and systems', async () => {
    setup();
    await renderWithApis(<CisAwsPage />);
    expect(await rows()).toHaveLength(FIXTURE.items.length);
    const first = within((await rows())[0]);
    expect(first.getByText('No trails')).toBeInTheDocument();
    expect(
      first.getByText('analytics-sandbox (409900112233)').closest('a'),
    ).toHaveAttribute(
      'href',
      '/catalog/default/resource/aws-analytics-sandbox',
    );
    expect(first.getByText('data-team').closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/group/data-team',
    );
    expect(first.getByText('analytics').closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/system/analytics',
    );
    // An account failing because of a trail says which problem the trail has.
    expect(
      screen.getByText('Role cannot write to the log group'),
    ).toBeInTheDocument();
    expect(screen.queryByText('A trail is failing')).not.toBeInTheDocument();
    // Security Hub disagreement is flagged.
    expect(
      within((await rows())[1]).getByTestId('cis-securityhub-disagrees'),
    ).toHaveTextContent('PASS (disagrees)');
  });

  it('sends the search to the backend', async () => {
    const { listRequests } = setup();
    await renderWithApis(<CisAwsPage />);
    await rows();
    await userEvent.type(screen.getByLabelText('Search accounts'), 'legacy');
    await waitFor(() =>
      expect(screen.getAllByTestId('cis-account-row')).toHaveLength(1),
    );
    expect(
      screen.getByText('legacy-billing (411122334455)'),
    ).toBeInTheDocument();
    const last = listRequests().at(-1)!;
    expect(last.get('search')).toBe('legacy');
    expect(last.get('offset')).toBe('0');
    // Debounced: not one request per keystroke.
    expect(listRequests().filter(p => p.has('search')).length).toBeLessThan(
      'legacy'.length,
    );

    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() =>
      expect(screen.getAllByTestId('cis-account-row')).toHaveLength(11),
    );
    expect(screen.getByLabelText('Search accounts')).toHaveValue('');
    expect(listRequests().at(-1)!.has('search')).toBe(false);
  });

  it('filters by verdict from the chips and from the totals', async () => {
    const { listRequests } = setup();
    await renderWithApis(<CisAwsPage />);
    await rows();
    fireEvent.click(screen.getByTestId('cis-filter-FAIL'));
    await waitFor(() =>
      expect(screen.getAllByTestId('cis-account-row')).toHaveLength(5),
    );
    expect(listRequests().at(-1)!.getAll('verdict')).toEqual(['FAIL']);
    expect(screen.getByTestId('cis-match-count')).toHaveTextContent(
      '5 accounts match: FAIL 5',
    );

    fireEvent.click(screen.getByTestId('cis-filter-ERROR'));
    await waitFor(() =>
      expect(screen.getAllByTestId('cis-account-row')).toHaveLength(6),
    );
    expect(listRequests().at(-1)!.getAll('verdict')).toEqual(['FAIL', 'ERROR']);

    fireEvent.click(screen.getByRole('button', { name: 'PASS: 5' }));
    await waitFor(() =>
      expect(listRequests().at(-1)!.getAll('verdict')).toEqual(['PASS']),
    );
    // The headline keeps counting the whole organization.
    expect(screen.getByTestId('cis-total-FAIL')).toHaveTextContent('5');
  });

  it('filters by owner from the owners ranking', async () => {
    const { listRequests } = setup();
    await renderWithApis(<CisAwsPage />);
    await rows();
    const payments = (await screen.findAllByTestId('cis-owner-row'))[2];
    fireEvent.click(
      within(payments).getByRole('button', { name: 'Show accounts' }),
    );
    await waitFor(() =>
      expect(screen.getAllByTestId('cis-account-row')).toHaveLength(3),
    );
    expect(listRequests().at(-1)!.getAll('owner')).toEqual([
      'group:default/payments-team',
    ]);
  });

  it('lists the accounts nobody owns from the "No owner" row', async () => {
    const unowned = {
      ...FIXTURE.items[0],
      accountId: '499999999999',
      title: 'orphan',
      entityRef: 'resource:default/orphan',
      ownerRef: undefined,
    };
    const { listRequests } = setup([...FIXTURE.items, unowned]);
    answer('/v1/owners', {
      owners: [
        ...ownersFixture.owners,
        {
          totalCount: 1,
          totals: { PASS: 0, FAIL: 1, ERROR: 0, UNKNOWN: 0, EXEMPT: 0 },
          failureAge: { openCount: 1, fixedCount: 0 },
        },
      ],
      period: ownersFixture.period,
    });
    await renderWithApis(<CisAwsPage />);
    await rows();
    const ownerRows = await screen.findAllByTestId('cis-owner-row');
    const nobody = ownerRows[ownerRows.length - 1];
    expect(within(nobody).getByText(NO_OWNER_TEXT)).toBeInTheDocument();
    fireEvent.click(
      within(nobody).getByRole('button', { name: 'Show accounts' }),
    );
    await waitFor(() =>
      expect(screen.getAllByTestId('cis-account-row')).toHaveLength(1),
    );
    expect(listRequests().at(-1)!.get('noOwner')).toBe('true');
    expect(listRequests().at(-1)!.getAll('owner')).toEqual([]);
    expect(screen.getByText('orphan')).toBeInTheDocument();
    // The filter shows, and clears.
    const chip = screen.getByTestId('cis-filter-no-owner');
    fireEvent.click(chip.querySelector('svg')!);
    await waitFor(() =>
      expect(listRequests().at(-1)!.get('noOwner')).toBeNull(),
    );
  });

  it("rolls accounts up by system, and lists a system's accounts", async () => {
    const { listRequests } = setup();
    answer('/v1/systems', {
      systems: [
        {
          systemRef: 'system:default/analytics',
          totalCount: 2,
          totals: { PASS: 0, FAIL: 2, ERROR: 0, UNKNOWN: 0, EXEMPT: 0 },
        },
        {
          totalCount: 1,
          totals: { PASS: 1, FAIL: 0, ERROR: 0, UNKNOWN: 0, EXEMPT: 0 },
        },
      ],
    });
    await renderWithApis(<CisAwsPage />);
    await rows();
    const systemRows = await screen.findAllByTestId('cis-system-row');
    expect(systemRows).toHaveLength(2);
    expect(
      within(systemRows[0]).getByText('analytics').closest('a'),
    ).toHaveAttribute('href', '/catalog/default/system/analytics');
    expect(
      within(systemRows[0])
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['analytics', '2', '0', '0', '0', '0', '2', 'Show accounts']);
    expect(
      within(systemRows[1]).getByText('Part of no system'),
    ).toBeInTheDocument();
    fireEvent.click(
      within(systemRows[0]).getByRole('button', { name: 'Show accounts' }),
    );
    await waitFor(() =>
      expect(listRequests().at(-1)!.getAll('system')).toEqual([
        'system:default/analytics',
      ]),
    );
    expect(screen.getByTestId('cis-filter-system')).toHaveTextContent(
      'System: analytics',
    );
  });

  it("says how many of each system's accounts fail detection", async () => {
    setup();
    answer('/v1/systems', {
      systems: [
        {
          systemRef: 'system:default/analytics',
          totalCount: 2,
          totals: { PASS: 0, FAIL: 2, ERROR: 0, UNKNOWN: 0, EXEMPT: 0 },
          detection: {
            counts: { PASS: 0, FAIL: 2, ERROR: 0, NOT_APPLICABLE: 0 },
            accountCount: 2,
          },
        },
        {
          totalCount: 1,
          totals: { PASS: 1, FAIL: 0, ERROR: 0, UNKNOWN: 0, EXEMPT: 0 },
          detection: {
            counts: { PASS: 0, FAIL: 0, ERROR: 0, NOT_APPLICABLE: 0 },
            accountCount: 0,
          },
        },
      ],
    });
    await renderWithApis(<CisAwsPage />);
    await rows();
    const systemRows = await screen.findAllByTestId('cis-system-row');
    expect(
      within(systemRows[0])
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual([
      'analytics',
      '2',
      '0',
      '0',
      '0',
      '0',
      '2',
      '2 of 2 accounts fail',
      'Show accounts',
    ]);
    expect(
      within(systemRows[0]).getByTestId('cis-system-detection'),
    ).toHaveAttribute('data-failing', '2');
    expect(
      within(systemRows[1]).getByTestId('cis-system-detection'),
    ).toHaveTextContent('not evaluated');
  });

  it('shows since when failing accounts fail, and sorts by it on the backend', async () => {
    const { listRequests } = setup();
    await renderWithApis(<CisAwsPage />);
    const [first] = await rows();
    expect(within(first).getByTestId('cis-failing-since')).toBeInTheDocument();
    // A passing account has no failing since.
    const passing = (await rows()).find(r =>
      r.querySelector('[data-testid="cis-verdict"][data-verdict="PASS"]'),
    );
    expect(within(passing!).queryByTestId('cis-failing-since')).toBeNull();
    fireEvent.click(screen.getByText('Failing since'));
    await waitFor(() =>
      expect(listRequests().at(-1)!.get('orderBy')).toBe('verdictSince'),
    );
    expect(listRequests().at(-1)!.get('order')).toBe('asc');
  });

  it('pages and sorts on the backend', async () => {
    const { listRequests } = setup(syntheticAccounts(60));
    await renderWithApis(<CisAwsPage />);
    expect(await rows()).toHaveLength(25);
    expect(listRequests()[0].get('offset')).toBe('0');
    expect(listRequests()[0].get('limit')).toBe('25');
    expect(listRequests()[0].get('orderBy')).toBe('verdict');

    fireEvent.click(screen.getByRole('button', { name: /next page/i }));
    await waitFor(() =>
      expect(listRequests().at(-1)!.get('offset')).toBe('25'),
    );
    expect(listRequests().at(-1)!.get('limit')).toBe('25');
    expect(await screen.findByText('account-0025')).toBeInTheDocument();

    fireEvent.click(screen.getByText('Account'));
    await waitFor(() =>
      expect(listRequests().at(-1)!.get('orderBy')).toBe('title'),
    );
    expect(listRequests().at(-1)!.get('order')).toBe('asc');
    expect(listRequests().at(-1)!.get('offset')).toBe('0');
    fireEvent.click(screen.getByText('Account'));
    await waitFor(() =>
      expect(listRequests().at(-1)!.get('order')).toBe('desc'),
    );

    fireEvent.mouseDown(
      screen.getByRole('button', { name: /rows per page: 25/i }),
    );
    fireEvent.click(await screen.findByRole('option', { name: '50' }));
    await waitFor(() => expect(listRequests().at(-1)!.get('limit')).toBe('50'));
    expect(listRequests().at(-1)!.get('offset')).toBe('0');
    await waitFor(() =>
      expect(screen.getAllByTestId('cis-account-row')).toHaveLength(50),
    );
  }, 120_000);

  it('ranks owners with links to their pages and shows unowned accounts', async () => {
    setup();
    answer('/v1/owners', {
      owners: [
        ...ownersFixture.owners,
        {
          totalCount: 2,
          totals: { PASS: 0, FAIL: 2, ERROR: 0, UNKNOWN: 0, EXEMPT: 0 },
          failureAge: { openCount: 2, fixedCount: 0 },
        },
      ],
      period: ownersFixture.period,
    });
    await renderWithApis(<CisAwsPage />);
    const ownerRows = await screen.findAllByTestId('cis-owner-row');
    expect(ownerRows).toHaveLength(6);
    const names = [
      'checkout-team',
      'data-team',
      'payments-team',
      'platform-team',
      'security-team',
    ];
    names.forEach((name, i) => {
      expect(within(ownerRows[i]).getByText(name).closest('a')).toHaveAttribute(
        'href',
        `/catalog/default/group/${name}`,
      );
    });
    // checkout-team: #, owner, FAIL 2, ERROR 0, UNKNOWN 0, EXEMPT 0, PASS 1, total 3.
    const cells = within(ownerRows[0])
      .getAllByRole('cell')
      .map(c => c.textContent);
    expect(cells.slice(0, 8)).toEqual([
      '1',
      'checkout-team',
      '2',
      '0',
      '0',
      '0',
      '1',
      '3',
    ]);
    expect(
      within(ownerRows[5]).getByText('No owner — failures cannot be routed'),
    ).toBeInTheDocument();
  });
});
