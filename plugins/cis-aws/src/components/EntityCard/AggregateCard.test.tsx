import { Entity } from '@backstage/catalog-model';
import { EntityResultResponse } from '@cis-aws/plugin-cis-aws-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import {
  BACKEND,
  answer,
  groupEntity,
  server,
  renderWithApis,
  setupMswServer,
  systemEntity,
} from '../../__testUtils__/render';
import groupCheckout from '../../__fixtures__/entity-group-checkout.json';
import systemPayments from '../../__fixtures__/entity-system-payments.json';
import { EntityCisAwsCard } from './index';
import { freezeDateAtFixtures } from './testClock';

setupMswServer();
freezeDateAtFixtures();

const rows = () => screen.getAllByTestId('cis-account-row');
const rowLink = (row: HTMLElement) =>
  within(row).getByRole('link').getAttribute('href');

const noCounts = {
  FAIL: 0,
  ERROR: 0,
  UNKNOWN: 0,
  EXEMPT: 0,
  PASS: 0,
  NOT_MAPPED: 0,
};

describe('EntityCisAwsCard on a system or a group', () => {
  it('wraps each account row’s why instead of cutting it (the theme keeps dense list text on one line)', async () => {
    answer('/v1/entities/system/default/payments', systemPayments);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: systemEntity('payments'),
    });
    await screen.findByText('Failing');
    for (const row of rows()) {
      const unwrapped = Array.from(row.querySelectorAll('*')).filter(
        el =>
          getComputedStyle(el).whiteSpace === 'nowrap' &&
          !el.closest('[data-testid="cis-verdict"]'),
      );
      expect(unwrapped).toEqual([]);
    }
  });

  it('aggregates a system: worst verdict, counts, failing accounts first with links', async () => {
    // the backend sends worst first; the card does not rely on it
    const shuffled = {
      ...systemPayments,
      accounts: [...systemPayments.accounts].reverse(),
    };
    answer('/v1/entities/system/default/payments', shuffled);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: systemEntity('payments'),
    });

    expect(await screen.findByText('Failing')).toBeInTheDocument();
    expect(screen.getAllByTestId('cis-verdict')[0]).toHaveAttribute(
      'data-verdict',
      'FAIL',
    );
    const counts = screen.getByTestId('cis-counts');
    expect(counts).toHaveTextContent('1 FAIL');
    expect(counts).toHaveTextContent('1 ERROR');
    expect(counts).toHaveTextContent('1 PASS');
    expect(counts).not.toHaveTextContent('UNKNOWN');

    const [first, second, third] = rows();
    expect(first).toHaveTextContent('payments-staging (404455667788)');
    expect(first).toHaveTextContent('No log group configured');
    expect(rowLink(first)).toBe(
      '/catalog/default/resource/aws-payments-staging',
    );
    expect(second).toHaveTextContent('legacy-billing (411122334455)');
    expect(second).toHaveTextContent('The reader role could not be assumed');
    expect(third).toHaveTextContent('payments-prod (403344556677)');
    expect(third).toHaveTextContent('Passing; unchanged since 2 minutes ago');
    expect(rowLink(third)).toBe('/catalog/default/resource/aws-payments-prod');
    expect(screen.getByRole('link', { name: /View details/ })).toHaveAttribute(
      'href',
      '/catalog/default/system/payments/cis-aws',
    );
  });

  it('says in one line how many of its accounts fail detection (CIS 3.x), linking to the tab', async () => {
    answer('/v1/entities/system/default/payments', systemPayments);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: systemEntity('payments'),
    });
    const line = await screen.findByTestId('cis-detection-rollup');
    expect(line).toHaveTextContent(
      /^Detection \(CIS 3\.x\): 1 of 2 accounts fail$/,
    );
    expect(within(line).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/system/payments/cis-aws',
    );
  });

  it('names the accounts whose detection could not be checked apart, and has no line when detection is off', async () => {
    answer('/v1/entities/system/default/payments', {
      ...systemPayments,
      detection: {
        counts: { PASS: 0, FAIL: 0, ERROR: 1, NOT_APPLICABLE: 0 },
        accountCount: 1,
      },
    });
    const { unmount } = await renderWithApis(<EntityCisAwsCard />, {
      entity: systemEntity('payments'),
    });
    expect(await screen.findByTestId('cis-detection-rollup')).toHaveTextContent(
      /0 of 1 account fail; 1 could not be checked$/,
    );
    unmount();

    const { detection: _off, ...withoutDetection } = systemPayments;
    answer('/v1/entities/system/default/payments', withoutDetection);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: systemEntity('payments'),
    });
    await screen.findByText('Failing');
    expect(screen.queryByTestId('cis-detection-rollup')).toBeNull();
  });

  it('aggregates a group: its failing accounts first', async () => {
    answer('/v1/entities/group/default/checkout-team', groupCheckout);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: groupEntity('checkout-team'),
    });

    expect(await screen.findByText('Failing')).toBeInTheDocument();
    expect(screen.getByTestId('cis-counts')).toHaveTextContent('2 FAIL1 PASS');
    expect(
      rows().map(row =>
        row.querySelector('[data-verdict]')?.getAttribute('data-verdict'),
      ),
    ).toEqual(['FAIL', 'FAIL', 'PASS']);
    expect(rowLink(rows()[0])).toBe(
      '/catalog/default/resource/aws-checkout-dev',
    );
  });

  it('asks for the worst few accounts and counts the rest from the total', async () => {
    const requested: string[] = [];
    // A department: 120 evaluated accounts, of which the backend sends the worst 8.
    const department = {
      ...groupCheckout,
      entityRef: 'group:default/department',
      counts: { ...noCounts, FAIL: 20, PASS: 100 },
      accounts: Array.from({ length: 8 }, (_, i) => ({
        ...groupCheckout.accounts[0],
        accountId: String(500000000000 + i),
        title: `failing-${i}`,
        entityRef: `resource:default/failing-${i}`,
      })),
      accountCount: 120,
      offset: 0,
      limit: 8,
    };
    server.use(
      http.get(
        `${BACKEND}/v1/entities/group/default/department`,
        ({ request }) => {
          requested.push(new URL(request.url).search);
          return HttpResponse.json(department);
        },
      ),
    );
    await renderWithApis(<EntityCisAwsCard />, {
      entity: groupEntity('department'),
    });

    expect(await screen.findByText('Failing')).toBeInTheDocument();
    expect(requested).toEqual(['?limit=8']);
    expect(screen.getByTestId('cis-counts')).toHaveTextContent(
      '20 FAIL100 PASS',
    );
    expect(rows()).toHaveLength(8);
    expect(screen.getByTestId('cis-more')).toHaveTextContent(
      'and 112 more accounts: see the details.',
    );
  });

  it('says accounts are pending when none has been evaluated yet', async () => {
    const body: EntityResultResponse = {
      entityRef: 'system:default/new-thing',
      verdict: 'PENDING',
      counts: noCounts,
      accounts: [],
      accountCount: 0,
      offset: 0,
      limit: 8,
      pendingAccountIds: ['412233445566'],
      problems: [],
    };
    answer('/v1/entities/system/default/new-thing', body);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: systemEntity('new-thing'),
    });

    expect(await screen.findByText('Not evaluated yet')).toBeInTheDocument();
    expect(screen.getAllByTestId('cis-verdict')[0]).toHaveAttribute(
      'data-verdict',
      'PENDING',
    );
    expect(screen.getByTestId('cis-counts')).toHaveTextContent('1 PENDING');
    expect(screen.getByTestId('cis-pending')).toHaveTextContent(
      'Not evaluated yet: 412233445566. New accounts are evaluated within a minute',
    );
  });

  it('explains an entity mapped to no account and shows the annotation to copy', async () => {
    const body: EntityResultResponse = {
      entityRef: 'system:default/lonely',
      verdict: 'NOT_MAPPED',
      counts: { ...noCounts, NOT_MAPPED: 1 },
      accounts: [],
      accountCount: 0,
      offset: 0,
      limit: 8,
      pendingAccountIds: [],
      problems: [],
    };
    answer('/v1/entities/system/default/lonely', body);
    await renderWithApis(<EntityCisAwsCard />, {
      entity: systemEntity('lonely'),
    });

    const notMapped = await screen.findByTestId('cis-not-mapped');
    expect(notMapped).toHaveTextContent(
      'No AWS account belongs to this system',
    );
    expect(notMapped).toHaveTextContent(
      'metadata: annotations: amazonaws.com/account-id: "123456789012"',
    );
    expect(
      within(notMapped).getByRole('button', { name: 'Copy text' }),
    ).toBeInTheDocument();
  });

  it("shows the backend's message for a malformed annotation", async () => {
    const web: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'web',
        namespace: 'default',
        annotations: { 'amazonaws.com/account-id': 'prod' },
      },
      spec: {},
    };
    const body: EntityResultResponse = {
      entityRef: 'component:default/web',
      verdict: 'NOT_MAPPED',
      counts: { ...noCounts, NOT_MAPPED: 1 },
      accounts: [],
      accountCount: 0,
      offset: 0,
      limit: 8,
      pendingAccountIds: [],
      problems: [
        {
          entityRef: 'component:default/web',
          annotation: 'amazonaws.com/account-id',
          value: 'prod',
          message: 'not a 12-digit AWS account id: "prod"',
        },
      ],
    };
    answer('/v1/entities/component/default/web', body);
    await renderWithApis(<EntityCisAwsCard />, { entity: web });

    const problems = await screen.findByTestId('cis-problems');
    expect(problems).toHaveTextContent('not a 12-digit AWS account id: "prod"');
    expect(within(problems).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/component/web',
    );
  });

  it('shows an error with Retry for the aggregate too', async () => {
    answer(
      '/v1/entities/group/default/checkout-team',
      'catalog unreachable',
      503,
    );
    await renderWithApis(<EntityCisAwsCard />, {
      entity: groupEntity('checkout-team'),
    });

    expect(await screen.findByText(/catalog unreachable/)).toBeInTheDocument();
    answer('/v1/entities/group/default/checkout-team', groupCheckout);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Failing')).toBeInTheDocument();
  });
});
