import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityResultResponse } from '@cis-aws/plugin-cis-aws-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import noLogGroup from '../../__fixtures__/account-no-log-group.json';
import pass from '../../__fixtures__/account-pass.json';
import roleCannotWrite from '../../__fixtures__/account-role-cannot-write.json';
import groupCheckout from '../../__fixtures__/entity-group-checkout.json';
import systemPayments from '../../__fixtures__/entity-system-payments.json';
import {
  accountEntity,
  answer,
  BACKEND,
  groupEntity,
  renderWithApis,
  server,
  setupMswServer,
  systemEntity,
} from '../../__testUtils__/render';
import { sortAccounts } from './EntityAccounts';
import { EntityCisAwsContent } from './index';

setupMswServer();

const ACCOUNT = roleCannotWrite.accountId;
const topVerdict = () =>
  screen.getAllByTestId('cis-verdict')[0].getAttribute('data-verdict');

// usePermission caches its answer (SWR) for the whole test file: every test here is ALLOW;
// the DENY case (button hidden) is in EntityCisAwsContent.test.tsx.
describe('Evaluate now', () => {
  it('POSTs an evaluation, shows progress, then the fresh verdict', async () => {
    answer(`/v1/accounts/${ACCOUNT}`, roleCannotWrite as never);
    let release: () => void = () => {};
    const gate = new Promise<void>(resolve => (release = resolve));
    const posts: string[] = [];
    server.use(
      http.post(
        `${BACKEND}/v1/accounts/${ACCOUNT}/evaluate`,
        async ({ request }) => {
          posts.push(request.url);
          await gate;
          return HttpResponse.json({
            ...pass,
            accountId: ACCOUNT,
            title: 'checkout-dev (fresh)',
          });
        },
      ),
    );
    await renderWithApis(<EntityCisAwsContent />, {
      entity: accountEntity(ACCOUNT),
      evaluate: AuthorizeResult.ALLOW,
    });
    await screen.findByTestId('account-detail');
    expect(topVerdict()).toBe('FAIL');
    fireEvent.click(
      await screen.findByRole('button', { name: 'Evaluate now' }),
    );
    expect(
      await screen.findByText(`Evaluating ${ACCOUNT}…`),
    ).toBeInTheDocument();
    release();
    await waitFor(() => expect(topVerdict()).toBe('PASS'));
    expect(posts).toHaveLength(1);
    expect(screen.getByText(/checkout-dev \(fresh\)/)).toBeInTheDocument();
    expect(
      screen.queryByText(`Evaluating ${ACCOUNT}…`),
    ).not.toBeInTheDocument();
  });

  it('shows the error when the evaluation fails and keeps the previous result', async () => {
    answer(`/v1/accounts/${ACCOUNT}`, roleCannotWrite as never);
    answer(
      `/v1/accounts/${ACCOUNT}/evaluate`,
      'the reader role could not be assumed',
      502,
      'post',
    );
    await renderWithApis(<EntityCisAwsContent />, {
      entity: accountEntity(ACCOUNT),
      evaluate: AuthorizeResult.ALLOW,
    });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Evaluate now' }),
    );
    const message = await screen.findByTestId('evaluate-error');
    expect(message).toHaveTextContent(
      'The evaluation failed: Request failed with 502 Bad Gateway',
    );
    expect(message).toHaveTextContent('the reader role could not be assumed');
    expect(topVerdict()).toBe('FAIL');
  });

  it('offers it on an account that was never evaluated', async () => {
    answer(`/v1/accounts/${ACCOUNT}`, 'not found', 404);
    await renderWithApis(<EntityCisAwsContent />, {
      entity: accountEntity(ACCOUNT),
      evaluate: AuthorizeResult.ALLOW,
    });
    expect(
      await screen.findByText(`Account ${ACCOUNT} has not been evaluated yet.`),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Evaluate now' }),
    ).toBeInTheDocument();
  });
});

describe('EntityCisAwsContent on a system or a team', () => {
  it('lists the accounts failing first and loads one when expanded', async () => {
    const shuffled = {
      ...systemPayments,
      accounts: [...systemPayments.accounts].reverse(),
    };
    answer('/v1/entities/system/default/payments', shuffled as never);
    answer(`/v1/accounts/${noLogGroup.accountId}`, noLogGroup as never);
    await renderWithApis(<EntityCisAwsContent />, {
      entity: systemEntity(),
      evaluate: AuthorizeResult.ALLOW,
    });
    const rows = await screen.findAllByTestId('account-accordion');
    expect(rows.map(r => r.getAttribute('data-account'))).toEqual([
      '404455667788',
      '411122334455',
      '403344556677',
    ]);
    expect(screen.queryByTestId('account-detail')).not.toBeInTheDocument();
    fireEvent.click(
      within(rows[0]).getByText('payments-staging (404455667788)'),
    );
    const detail = await screen.findByTestId('account-detail');
    expect(detail).toHaveAttribute('data-account', '404455667788');
    expect(within(detail).getByTestId('remediation').textContent).toContain(
      'aws logs create-log-group',
    );
  });

  it("lists each account's detection summary (CIS 3.x) and the team's roll-up", async () => {
    answer('/v1/entities/system/default/payments', systemPayments as never);
    await renderWithApis(<EntityCisAwsContent />, {
      entity: systemEntity(),
    });
    const rows = await screen.findAllByTestId('account-accordion');
    expect(screen.getByTestId('cis-entity-detection-rollup')).toHaveTextContent(
      'Detection (CIS 3.x): 1 of 2 accounts fail',
    );
    const cells = rows.map(row =>
      within(row).getByTestId('cis-detection-cell'),
    );
    expect(cells.map(c => c.getAttribute('data-verdict'))).toEqual([
      'FAIL',
      null,
      'PASS',
    ]);
    expect(cells[0]).toHaveTextContent('3.3, 3.4, 3.5');
    expect(cells[1]).toHaveTextContent('not evaluated');
  });

  it('shows no detection on the tab when the backend has it turned off', async () => {
    const { detection: _off, ...withoutDetection } = systemPayments;
    answer('/v1/entities/system/default/payments', {
      ...withoutDetection,
      accounts: withoutDetection.accounts.map(
        ({ detection: _d, ...account }: Record<string, unknown>) => account,
      ),
    } as never);
    await renderWithApis(<EntityCisAwsContent />, {
      entity: systemEntity(),
    });
    await screen.findAllByTestId('account-accordion');
    expect(screen.queryByTestId('cis-entity-detection-rollup')).toBeNull();
    expect(screen.queryAllByTestId('cis-account-detection')).toEqual([]);
  });

  it('pages through an organization of thousands of accounts, counting all of them', async () => {
    const TOTAL = 2000;
    const requested: string[] = [];
    const pageAt = (offset: number, limit: number) =>
      Array.from({ length: Math.min(limit, TOTAL - offset) }, (_, i) => ({
        ...groupCheckout.accounts[0],
        accountId: String(500000000000 + offset + i),
        title: `account-${offset + i}`,
        entityRef: `resource:default/account-${offset + i}`,
      }));
    server.use(
      http.get(
        `${BACKEND}/v1/entities/group/default/checkout-team`,
        ({ request }) => {
          const url = new URL(request.url);
          requested.push(url.search);
          const offset = Number(url.searchParams.get('offset') ?? 0);
          const limit = Number(url.searchParams.get('limit') ?? 50);
          return HttpResponse.json({
            ...groupCheckout,
            counts: { ...groupCheckout.counts, FAIL: TOTAL, PASS: 0 },
            accounts: pageAt(offset, limit),
            accountCount: TOTAL,
            offset,
            limit,
          });
        },
      ),
    );
    await renderWithApis(<EntityCisAwsContent />, {
      entity: groupEntity(),
      evaluate: AuthorizeResult.ALLOW,
    });
    expect(await screen.findAllByTestId('account-accordion')).toHaveLength(50);
    expect(
      screen.getByText('CIS AWS 2.4 across 2000 accounts'),
    ).toBeInTheDocument();
    const pager = screen.getByTestId('cis-accounts-pager');
    expect(pager).toHaveTextContent('Accounts 1–50 of 2000');
    expect(
      within(pager).getByRole('button', { name: 'Previous' }),
    ).toBeDisabled();

    fireEvent.click(within(pager).getByRole('button', { name: 'Next' }));
    await waitFor(() =>
      expect(screen.getByTestId('cis-accounts-pager')).toHaveTextContent(
        'Accounts 51–100 of 2000',
      ),
    );
    expect(screen.getAllByTestId('account-accordion')[0]).toHaveAttribute(
      'data-account',
      '500000000050',
    );
    expect(requested).toEqual(['?limit=50', '?offset=50&limit=50']);
  });

  it('works for a team', async () => {
    answer('/v1/entities/group/default/checkout-team', groupCheckout as never);
    await renderWithApis(<EntityCisAwsContent />, {
      entity: groupEntity(),
      evaluate: AuthorizeResult.ALLOW,
    });
    expect(await screen.findAllByTestId('account-accordion')).toHaveLength(3);
    expect(
      screen.getByText('CIS AWS 2.4 across 3 accounts'),
    ).toBeInTheDocument();
  });

  it('says "not mapped" rather than PASS for an entity without accounts', async () => {
    const empty: Partial<EntityResultResponse> = {
      ...systemPayments,
      verdict: 'NOT_MAPPED',
      accounts: [],
    };
    answer('/v1/entities/system/default/payments', empty as never);
    await renderWithApis(<EntityCisAwsContent />, {
      entity: systemEntity(),
      evaluate: AuthorizeResult.ALLOW,
    });
    expect(
      await screen.findByText(/No AWS account is mapped/),
    ).toBeInTheDocument();
  });

  it('sortAccounts puts FAIL before ERROR before PASS', () => {
    const sorted = sortAccounts(
      [...(systemPayments as EntityResultResponse).accounts].reverse(),
    );
    expect(sorted.map(a => a.verdict)).toEqual(['FAIL', 'ERROR', 'PASS']);
  });
});
