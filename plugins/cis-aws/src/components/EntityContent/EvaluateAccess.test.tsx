import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import pass from '../../__fixtures__/account-pass.json';
import roleCannotWrite from '../../__fixtures__/account-role-cannot-write.json';
import {
  accountEntity,
  answer,
  BACKEND,
  renderWithApis,
  server,
  setupMswServer,
} from '../../__testUtils__/render';
import { formatDateTime } from '../common/text';
import { EntityCisAwsContent } from './index';

setupMswServer();

const ACCOUNT = roleCannotWrite.accountId;

// The permission says DENY throughout: what the button does is the backend's access answer.
describe('Evaluate now for owners', () => {
  it('offers an owner without the permission the button, says why, and evaluates', async () => {
    answer(`/v1/accounts/${ACCOUNT}`, roleCannotWrite as never);
    answer(
      `/v1/accounts/${ACCOUNT}/evaluate`,
      { ...pass, accountId: ACCOUNT } as never,
      200,
      'post',
    );
    await renderWithApis(<EntityCisAwsContent />, {
      entity: accountEntity(ACCOUNT),
      evaluate: AuthorizeResult.DENY,
      access: {
        allowed: true,
        basis: 'OWNER',
        message: 'You own this account, so you may evaluate it now.',
      },
    });
    const button = await screen.findByRole('button', { name: 'Evaluate now' });
    expect(
      screen.getByText(/You own this account, so you may re-check it/),
    ).toBeInTheDocument();
    fireEvent.click(button);
    await waitFor(() =>
      expect(
        screen.getAllByTestId('cis-verdict')[0].getAttribute('data-verdict'),
      ).toBe('PASS'),
    );
  });

  it('tells a reader who does not own the account why not and when the next scheduled check is', async () => {
    answer(`/v1/accounts/${ACCOUNT}`, roleCannotWrite as never);
    await renderWithApis(<EntityCisAwsContent />, {
      entity: accountEntity(ACCOUNT),
      evaluate: AuthorizeResult.DENY,
    });
    const why = await screen.findByTestId('evaluate-unavailable');
    expect(why).toHaveTextContent(
      'Only the owners of this account (group:default/checkout-team)',
    );
    expect(why).toHaveTextContent(
      `The next scheduled check is ${formatDateTime(
        '2026-11-24T10:00:00.000Z',
      )} (accounts are checked every 1 hour).`,
    );
    expect(
      screen.queryByRole('button', { name: 'Evaluate now' }),
    ).not.toBeInTheDocument();
  });

  it('shows a rate-limited owner a disabled button with the wait, and gives it back when the wait is over', async () => {
    answer(`/v1/accounts/${ACCOUNT}`, roleCannotWrite as never);
    await renderWithApis(<EntityCisAwsContent />, {
      entity: accountEntity(ACCOUNT),
      evaluate: AuthorizeResult.DENY,
      access: {
        allowed: false,
        basis: 'RATE_LIMITED',
        message:
          'This account was evaluated moments ago; owners may evaluate it again in 1 s (once every 60 s per account).',
        retryAt: new Date(Date.now() + 1000).toISOString(),
      },
    });
    const unavailable = await screen.findByTestId('evaluate-unavailable');
    expect(unavailable).toHaveTextContent('may evaluate it again in 1 s');
    expect(screen.getByRole('button', { name: 'Evaluate now' })).toBeDisabled();
    // Once the wait is over the tab asks again; the backend now allows it.
    server.use(
      http.get(`${BACKEND}/v1/accounts/${ACCOUNT}/evaluation-access`, () =>
        HttpResponse.json({
          accountId: ACCOUNT,
          allowed: true,
          basis: 'OWNER',
          message: 'You own this account, so you may evaluate it now.',
          schedule: 'every 1 hour',
        }),
      ),
    );
    await waitFor(
      () =>
        expect(
          screen.getByRole('button', { name: 'Evaluate now' }),
        ).toBeEnabled(),
      { timeout: 10_000 },
    );
    expect(screen.queryByTestId('evaluate-unavailable')).not.toBeInTheDocument();
  });
});
