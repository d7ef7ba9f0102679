import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import exempt from '../../__fixtures__/account-exempt.json';
import noLogGroup from '../../__fixtures__/account-no-log-group.json';
import trailExempt from '../../__fixtures__/account-trail-exempt.json';
import exceptions from '../../__fixtures__/exceptions-payments-staging.json';
import {
  accountEntity,
  answer,
  BACKEND,
  renderWithApis,
  server,
  setupMswServer,
  SIGNED_IN_USER,
} from '../../__testUtils__/render';
import { freezeDateAtFixtures } from '../EntityCard/testClock';
import { EntityCisAwsContent } from './index';

setupMswServer();
freezeDateAtFixtures();

// usePermission caches its answer for the whole file: every test here may manage exceptions;
// ExceptionsDenied.test.tsx covers users who may not.

const ACCOUNT = '404455667788';
const TRAIL =
  'arn:aws:cloudtrail:us-east-1:404455667788:trail/payments-staging-trail';
const NO_EXCEPTIONS = { accountId: ACCOUNT, items: [], events: [] };

/** Serves the account (a new body after each change, as the backend re-evaluates) and records GETs. */
function serveAccount(...bodies: object[]) {
  let gets = 0;
  server.use(
    http.get(`${BACKEND}/v1/accounts/${ACCOUNT}`, () =>
      HttpResponse.json(bodies[Math.min(gets++, bodies.length - 1)]),
    ),
  );
  return () => gets;
}

function serveExceptions(...bodies: object[]) {
  let gets = 0;
  server.use(
    http.get(`${BACKEND}/v1/accounts/${ACCOUNT}/exceptions`, () =>
      HttpResponse.json(bodies[Math.min(gets++, bodies.length - 1)]),
    ),
  );
  return () => gets;
}

async function showTab() {
  await renderWithApis(<EntityCisAwsContent />, {
    entity: accountEntity(ACCOUNT, 'aws-payments-staging'),
  });
  return screen.findByTestId('cis-aws-exceptions');
}

const rows = (panel: HTMLElement) =>
  within(panel).getAllByTestId('cis-aws-exception-row');

/** Types a whole value at once: one change, not one per character. */
async function enter(field: HTMLElement, text: string) {
  await userEvent.click(field);
  await userEvent.paste(text);
}

async function openGrantDialog() {
  const button = await screen.findByTestId('cis-aws-grant-exception');
  await waitFor(() => expect(button).toBeEnabled());
  await userEvent.click(button);
  return screen.findByRole('dialog');
}

describe('Exceptions on the tab', () => {
  it('lists every exception with its status, scope, reason, approver, expiry, ticket, recorder and revocation, and the audit trail', async () => {
    serveAccount(exempt);
    serveExceptions(exceptions);
    const panel = await showTab();
    await waitFor(() => expect(rows(panel)).toHaveLength(3));

    const [active, revoked, expired] = rows(panel);
    expect(rows(panel).map(r => r.getAttribute('data-status'))).toEqual([
      'ACTIVE',
      'REVOKED',
      'EXPIRED',
    ]);
    expect(active).toHaveTextContent('The whole account');
    expect(active).toHaveTextContent('Staging is being rebuilt by PAY-2041');
    expect(active).toHaveTextContent(/Dec 24, 2026.*in 31 days/);
    expect(within(active).getByText('alan').closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/user/alan',
    );
    expect(
      within(active).getByRole('link', { name: /^SEC-1234/ }),
    ).toHaveAttribute('href', 'https://jira.acme.example/browse/SEC-1234');
    expect(active).toHaveTextContent('by guest');

    expect(revoked).toHaveTextContent('Trail payments-staging-trail');
    expect(revoked).toHaveTextContent(
      'Migration abandoned: fix the trail instead.',
    );
    expect(within(revoked).getAllByText('alan')).toHaveLength(2); // approved, revoked
    expect(expired).toHaveTextContent('Jane Roe (CISO)');

    // only what is still in force can be revoked
    expect(
      within(active).getByRole('button', { name: 'Revoke' }),
    ).toBeEnabled();
    expect(within(revoked).queryByRole('button')).not.toBeInTheDocument();
    expect(within(expired).queryByRole('button')).not.toBeInTheDocument();

    const audit = within(panel).getByTestId('cis-aws-exception-audit');
    const events = within(audit).getAllByRole('listitem');
    expect(events.map(e => e.textContent)).toEqual([
      expect.stringMatching(
        /^alan granted the exception for the whole account until Sep 30, 2026/,
      ),
      expect.stringMatching(
        /^barbara granted the exception for trail payments-staging-trail until Nov 30, 2026/,
      ),
      expect.stringMatching(
        /^alan revoked the exception for trail payments-staging-trail: Migration abandoned: fix the trail instead\.Nov 10, 2026/,
      ),
      expect.stringMatching(
        /^guest granted the exception for the whole account until Dec 24, 2026/,
      ),
    ]);

    // the account is EXEMPT, and its underlying FAIL is shown with the exception
    expect(screen.getByTestId('cis-aws-account-exemption')).toHaveTextContent(
      'Would be FAIL: A trail is failing without it.',
    );
  });

  it('grant: checks the form, POSTs what was entered, then shows the re-evaluated account', async () => {
    const accountGets = serveAccount(noLogGroup, trailExempt);
    const exceptionGets = serveExceptions(NO_EXCEPTIONS);
    const bodies: unknown[] = [];
    server.use(
      http.post(
        `${BACKEND}/v1/accounts/${ACCOUNT}/exceptions`,
        async ({ request }) => {
          bodies.push(await request.json());
          return HttpResponse.json(
            {
              ...trailExempt.evaluation.trails[1].exemptedBy,
              status: 'ACTIVE',
            },
            { status: 201 },
          );
        },
      ),
    );
    const panel = await showTab();
    expect(
      await within(panel).findByTestId('cis-aws-exceptions-empty'),
    ).toBeInTheDocument();

    const dialog = await openGrantDialog();
    const field = (name: RegExp) => within(dialog).getByLabelText(name);
    // the signed-in user approves by default; 30 days by default
    await waitFor(() =>
      expect(field(/Approved by/)).toHaveValue(SIGNED_IN_USER),
    );
    expect(field(/Expires after/)).toHaveValue('2026-12-24');
    const scopes = within(
      within(dialog).getByTestId('cis-aws-grant-scope'),
    ).getAllByRole('option');
    expect(scopes.map(o => o.textContent)).toEqual([
      'The whole account',
      'Trail acme-org-trail (now PASS)',
      'Trail payments-staging-trail (now FAIL)',
    ]);

    // nothing is sent while the form is incomplete or wrong
    fireEvent.change(field(/Expires after/), {
      target: { value: '2026-11-01' },
    });
    await enter(field(/Ticket link/), 'jira/SEC-1234');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Grant' }),
    );
    expect(dialog).toHaveTextContent('Say why the failure is accepted.');
    expect(dialog).toHaveTextContent('The expiry date must be in the future.');
    expect(dialog).toHaveTextContent('A ticket link must be an http(s) URL.');
    expect(bodies).toHaveLength(0);

    await userEvent.selectOptions(
      within(dialog).getByTestId('cis-aws-grant-scope'),
      TRAIL,
    );
    await enter(
      field(/Reason/),
      '  Replaced by the organization trail on 2026-12-01 (PAY-2077).',
    );
    fireEvent.change(field(/Expires after/), {
      target: { value: '2026-12-08' },
    });
    await userEvent.clear(field(/Ticket link/));
    await enter(
      field(/Ticket link/),
      'https://jira.acme.example/browse/PAY-2077',
    );
    expect(dialog).not.toHaveTextContent('Say why the failure is accepted.');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Grant' }),
    );

    await waitFor(() => expect(bodies).toHaveLength(1));
    expect(bodies[0]).toEqual({
      trailArn: TRAIL,
      reason: 'Replaced by the organization trail on 2026-12-01 (PAY-2077).',
      approvedBy: SIGNED_IN_USER,
      // the end of the chosen day where the approver is
      expiresAt: new Date(2026, 11, 8, 23, 59, 59, 999).toISOString(),
      ticketUrl: 'https://jira.acme.example/browse/PAY-2077',
    });
    // the account and its exceptions are fetched again: the trail is now EXEMPT
    await waitFor(() => expect(accountGets()).toBe(2));
    await waitFor(() => expect(exceptionGets()).toBe(2));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(await screen.findByTestId('trail-exemption')).toHaveTextContent(
      'Would be FAIL: No log group configured without it.',
    );
  });

  it("grant: shows the backend's reason when it refuses, and keeps the dialog open", async () => {
    serveAccount(noLogGroup);
    answer(
      `/v1/accounts/${ACCOUNT}/exceptions`,
      'expiresAt is more than 365 days ahead',
      400,
      'post',
    );
    await showTab();
    const dialog = await openGrantDialog();
    await enter(
      within(dialog).getByLabelText(/Reason/),
      'Decommissioned next year',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Grant' }),
    );

    expect(
      await within(dialog).findByTestId('cis-aws-grant-error'),
    ).toHaveTextContent(
      'The exception was not granted: expiresAt is more than 365 days ahead (HTTP 400)',
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('revoke: asks why, POSTs it, then shows the account without the exception', async () => {
    const accountGets = serveAccount(exempt, noLogGroup);
    const [active, ...rest] = exceptions.items;
    const revoked = {
      ...active,
      status: 'REVOKED',
      revokedAt: '2026-11-24T08:55:41.000Z',
      revokedBy: SIGNED_IN_USER,
      revokeReason: 'Fixed: the trail delivers again.',
    };
    serveExceptions(exceptions, { ...exceptions, items: [revoked, ...rest] });
    const posts: { url: string; body: unknown }[] = [];
    server.use(
      http.post(
        `${BACKEND}/v1/exceptions/:exceptionId/revoke`,
        async ({ request }) => {
          posts.push({ url: request.url, body: await request.json() });
          return HttpResponse.json(revoked);
        },
      ),
    );
    const panel = await showTab();
    await waitFor(() => expect(rows(panel)).toHaveLength(3));

    await userEvent.click(
      within(rows(panel)[0]).getByRole('button', { name: 'Revoke' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent(
      /The whole account is exempt until Dec 24, 2026/,
    );
    await enter(
      within(dialog).getByLabelText(/Why/),
      'Fixed: the trail delivers again.',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Revoke' }),
    );

    await waitFor(() => expect(posts).toHaveLength(1));
    expect(posts[0]).toEqual({
      url: `${BACKEND}/v1/exceptions/${active.id}/revoke`,
      body: { reason: 'Fixed: the trail delivers again.' },
    });
    await waitFor(() => expect(accountGets()).toBe(2));
    await waitFor(() =>
      expect(rows(panel)[0]).toHaveAttribute('data-status', 'REVOKED'),
    );
    expect(rows(panel)[0]).toHaveTextContent(
      'Fixed: the trail delivers again.',
    );
    await waitFor(() =>
      expect(
        screen.queryByTestId('cis-aws-account-exemption'),
      ).not.toBeInTheDocument(),
    );
  });

  it('revoke: says so when the exception was already revoked (409)', async () => {
    serveAccount(exempt);
    serveExceptions(exceptions);
    answer(
      `/v1/exceptions/${exceptions.items[0].id}/revoke`,
      'exception already revoked',
      409,
      'post',
    );
    const panel = await showTab();
    await waitFor(() => expect(rows(panel)).toHaveLength(3));
    await userEvent.click(
      within(rows(panel)[0]).getByRole('button', { name: 'Revoke' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Revoke' }),
    );
    expect(
      await within(dialog).findByTestId('cis-aws-revoke-error'),
    ).toHaveTextContent(
      'The exception was not revoked: exception already revoked (HTTP 409)',
    );
  });
});
