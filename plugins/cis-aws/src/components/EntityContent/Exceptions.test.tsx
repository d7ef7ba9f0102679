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

// The signed-in user (guest) is an approver and may request (the fixture's `viewer`);
// ExceptionsDenied.test.tsx covers a user who may do neither.

const ACCOUNT = '404455667788';
const TRAIL =
  'arn:aws:cloudtrail:us-east-1:404455667788:trail/payments-staging-trail';
const NO_EXCEPTIONS = {
  accountId: ACCOUNT,
  items: [],
  events: [],
  viewer: { entityRef: SIGNED_IN_USER, approver: false, canRequest: true },
};
const [BARBARAS, GUESTS, ACTIVE] = exceptions.items;

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

async function openRequestDialog() {
  const button = await screen.findByTestId('cis-aws-request-exception');
  await waitFor(() => expect(button).toBeEnabled());
  await userEvent.click(button);
  return screen.findByRole('dialog');
}

describe('Exceptions on the tab', () => {
  it('lists every exception with its status, scope, reason, requester, approver, expiry, ticket and revocation, and the audit trail', async () => {
    serveAccount(exempt);
    serveExceptions(exceptions);
    const panel = await showTab();
    await waitFor(() => expect(rows(panel)).toHaveLength(5));

    const [barbaras, guests, active, revoked, expired] = rows(panel);
    expect(rows(panel).map(r => r.getAttribute('data-status'))).toEqual([
      'PENDING',
      'PENDING',
      'ACTIVE',
      'REVOKED',
      'EXPIRED',
    ]);
    expect(
      within(panel).getByTestId('cis-aws-exceptions-pending'),
    ).toHaveTextContent(
      '2 requests await approval: nothing changes until it is approved.',
    );
    expect(barbaras).toHaveTextContent('Trail payments-staging-trail');
    expect(barbaras).toHaveTextContent('Awaiting approval');
    expect(barbaras).toHaveTextContent(/Dec 31, 2026.*in 38 days/);

    expect(active).toHaveTextContent('The whole account');
    expect(active).toHaveTextContent('Staging is being rebuilt by PAY-2041');
    expect(active).toHaveTextContent(/Dec 24, 2026.*in 31 days/);
    // requested by barbara, approved by alan with his comment
    expect(within(active).getByText('barbara').closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/user/barbara',
    );
    expect(within(active).getByText('alan').closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/user/alan',
    );
    expect(active).toHaveTextContent(
      '“Accepted while the organization trail covers the account.”',
    );
    expect(
      within(active).getByRole('link', { name: /^SEC-1234/ }),
    ).toHaveAttribute('href', 'https://jira.acme.example/browse/SEC-1234');
    expect(
      within(active).queryByTestId('cis-aws-legacy-exception'),
    ).not.toBeInTheDocument();

    // granted in one step before four eyes: marked, with the typed approver
    expect(revoked).toHaveTextContent(
      'Migration abandoned: fix the trail instead.',
    );
    expect(
      within(revoked).getByTestId('cis-aws-legacy-exception'),
    ).toHaveTextContent('legacy single-step');
    expect(expired).toHaveTextContent('Jane Roe (CISO)');
    expect(
      within(expired).getByTestId('cis-aws-legacy-exception'),
    ).toBeInTheDocument();

    // an approver decides other people's requests, revokes what is in force
    const button = (row: HTMLElement, name: string) =>
      within(row).queryByRole('button', { name });
    expect(button(barbaras, 'Approve')).toBeEnabled();
    expect(button(barbaras, 'Reject')).toBeEnabled();
    expect(button(barbaras, 'Withdraw')).not.toBeInTheDocument();
    expect(button(active, 'Revoke')).toBeEnabled();
    expect(within(revoked).queryByRole('button')).not.toBeInTheDocument();
    expect(within(expired).queryByRole('button')).not.toBeInTheDocument();
    // … never their own, and says why; they may withdraw it
    expect(button(guests, 'Approve')).toBeDisabled();
    expect(button(guests, 'Reject')).toBeDisabled();
    fireEvent.mouseOver(button(guests, 'Approve')!.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You requested this exception: another approver must decide it (four eyes).',
    );
    expect(button(guests, 'Withdraw')).toBeEnabled();

    const audit = within(panel).getByTestId('cis-aws-exception-audit');
    const events = within(audit).getAllByRole('listitem');
    expect(events.map(e => e.textContent)).toEqual([
      expect.stringMatching(
        /^alan granted the exception for the whole account until Sep 30, 2026.* \(single step, before four eyes\)/,
      ),
      expect.stringMatching(
        /^barbara granted the exception for trail payments-staging-trail until Nov 30, 2026/,
      ),
      expect.stringMatching(
        /^alan revoked the exception for trail payments-staging-trail: Migration abandoned: fix the trail instead\.Nov 10, 2026/,
      ),
      expect.stringMatching(
        /^barbara requested the exception for the whole account until Dec 24, 2026/,
      ),
      expect.stringMatching(
        /^guest requested the exception for the whole account/,
      ),
      expect.stringMatching(
        /^barbara requested the exception for trail payments-staging-trail/,
      ),
      expect.stringMatching(
        /^alan approved the exception for the whole account: Accepted while the organization trail covers the account\./,
      ),
    ]);

    // the account is EXEMPT, and its underlying FAIL is shown with the exception
    expect(screen.getByTestId('cis-aws-account-exemption')).toHaveTextContent(
      'Would be FAIL: A trail is failing without it.',
    );
  });

  it('request: checks the form, POSTs what was entered without an approver, then shows it pending', async () => {
    serveAccount(noLogGroup);
    const requested = {
      ...BARBARAS,
      createdBy: SIGNED_IN_USER,
      reason: 'Replaced by the organization trail on 2026-12-01 (PAY-2077).',
    };
    const exceptionGets = serveExceptions(NO_EXCEPTIONS, {
      ...NO_EXCEPTIONS,
      items: [requested],
    });
    const bodies: unknown[] = [];
    server.use(
      http.post(
        `${BACKEND}/v1/accounts/${ACCOUNT}/exceptions`,
        async ({ request }) => {
          bodies.push(await request.json());
          return HttpResponse.json(requested, { status: 201 });
        },
      ),
    );
    const panel = await showTab();
    expect(
      await within(panel).findByTestId('cis-aws-exceptions-empty'),
    ).toBeInTheDocument();

    const dialog = await openRequestDialog();
    const field = (name: RegExp) => within(dialog).getByLabelText(name);
    expect(dialog).toHaveTextContent(
      'A member of the approver groups other than you approves or rejects the request',
    );
    expect(
      within(dialog).queryByLabelText(/Approved by/),
    ).not.toBeInTheDocument();
    expect(field(/Expires after/)).toHaveValue('2026-12-24');
    const scopes = within(
      within(dialog).getByTestId('cis-aws-request-scope'),
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
      within(dialog).getByRole('button', { name: 'Request' }),
    );
    expect(dialog).toHaveTextContent('Say why the failure should be accepted.');
    expect(dialog).toHaveTextContent('The expiry date must be in the future.');
    expect(dialog).toHaveTextContent('A ticket link must be an http(s) URL.');
    expect(bodies).toHaveLength(0);

    await userEvent.selectOptions(
      within(dialog).getByTestId('cis-aws-request-scope'),
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
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Request' }),
    );

    await waitFor(() => expect(bodies).toHaveLength(1));
    expect(bodies[0]).toEqual({
      trailArn: TRAIL,
      reason: 'Replaced by the organization trail on 2026-12-01 (PAY-2077).',
      // the end of the chosen day where the requester is
      expiresAt: new Date(2026, 11, 8, 23, 59, 59, 999).toISOString(),
      ticketUrl: 'https://jira.acme.example/browse/PAY-2077',
    });
    await waitFor(() => expect(exceptionGets()).toBe(2));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    await waitFor(() => expect(rows(panel)).toHaveLength(1));
    expect(rows(panel)[0]).toHaveAttribute('data-status', 'PENDING');
    expect(rows(panel)[0]).toHaveTextContent('Awaiting approval');
    expect(
      within(panel).getByTestId('cis-aws-exceptions-pending'),
    ).toHaveTextContent('1 request awaits approval');
  });

  it("request: shows the backend's reason when it refuses, and keeps the dialog open", async () => {
    serveAccount(noLogGroup);
    answer(
      `/v1/accounts/${ACCOUNT}/exceptions`,
      'expiresAt is more than 365 days ahead',
      400,
      'post',
    );
    await showTab();
    const dialog = await openRequestDialog();
    await enter(
      within(dialog).getByLabelText(/Reason/),
      'Decommissioned next year',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Request' }),
    );

    expect(
      await within(dialog).findByTestId('cis-aws-request-error'),
    ).toHaveTextContent(
      'The exception was not requested: expiresAt is more than 365 days ahead (HTTP 400)',
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('approve: POSTs the decision with the comment, then shows the re-evaluated account', async () => {
    const accountGets = serveAccount(noLogGroup, trailExempt);
    const approved = {
      ...BARBARAS,
      state: 'APPROVED',
      status: 'ACTIVE',
      approvedBy: SIGNED_IN_USER,
      approvedAt: '2026-11-24T08:55:41.000Z',
      decisionComment: 'Until PAY-2100 lands.',
    };
    serveExceptions(exceptions, {
      ...exceptions,
      items: [approved, ...exceptions.items.slice(1)],
    });
    const posts: { url: string; body: unknown }[] = [];
    server.use(
      http.post(
        `${BACKEND}/v1/exceptions/:exceptionId/approve`,
        async ({ request }) => {
          posts.push({ url: request.url, body: await request.json() });
          return HttpResponse.json(approved);
        },
      ),
    );
    const panel = await showTab();
    await waitFor(() => expect(rows(panel)).toHaveLength(5));
    await userEvent.click(
      within(rows(panel)[0]).getByRole('button', { name: 'Approve' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByTestId('cis-aws-decide-summary'),
    ).toHaveTextContent(
      /trail payments-staging-trail exempt until Dec 31, 2026.*requested by user:default\/barbara/,
    );
    await enter(
      within(dialog).getByLabelText(/Comment/),
      'Until PAY-2100 lands.',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    await waitFor(() => expect(posts).toHaveLength(1));
    expect(posts[0]).toEqual({
      url: `${BACKEND}/v1/exceptions/${BARBARAS.id}/approve`,
      body: { comment: 'Until PAY-2100 lands.' },
    });
    await waitFor(() => expect(accountGets()).toBe(2));
    await waitFor(() =>
      expect(rows(panel)[0]).toHaveAttribute('data-status', 'ACTIVE'),
    );
    expect(await screen.findByTestId('trail-exemption')).toHaveTextContent(
      'Would be FAIL: No log group configured without it.',
    );
  });

  it("approve: a requester approving their own request gets the backend's 403, and nothing changes", async () => {
    // The list says the request is barbara's, but the backend knows the caller requested it
    // (say, under the same identity in another session): its refusal is shown as it says it.
    serveAccount(exempt);
    const exceptionGets = serveExceptions(exceptions);
    answer(
      `/v1/exceptions/${BARBARAS.id}/approve`,
      `You requested exception ${BARBARAS.id} yourself, so you may not approve it: four eyes means another member of group:default/security-team (cisAws.exceptions.approvers) decides it`,
      403,
      'post',
    );
    const panel = await showTab();
    await waitFor(() => expect(rows(panel)).toHaveLength(5));
    await userEvent.click(
      within(rows(panel)[0]).getByRole('button', { name: 'Approve' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    expect(
      await within(dialog).findByTestId('cis-aws-decide-error'),
    ).toHaveTextContent(
      `The request was not approved: You requested exception ${BARBARAS.id} yourself, so you may not approve it: four eyes means another member of group:default/security-team (cisAws.exceptions.approvers) decides it (HTTP 403)`,
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(exceptionGets()).toBe(1);
    expect(rows(panel)[0]).toHaveAttribute('data-status', 'PENDING');
  });

  it('reject: requires a reason, then POSTs it', async () => {
    serveAccount(exempt);
    serveExceptions(exceptions);
    const posts: unknown[] = [];
    server.use(
      http.post(
        `${BACKEND}/v1/exceptions/:exceptionId/reject`,
        async ({ request }) => {
          posts.push(await request.json());
          return HttpResponse.json({
            ...BARBARAS,
            state: 'REJECTED',
            status: 'REJECTED',
          });
        },
      ),
    );
    const panel = await showTab();
    await waitFor(() => expect(rows(panel)).toHaveLength(5));
    await userEvent.click(
      within(rows(panel)[0]).getByRole('button', { name: 'Reject' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Reject' }),
    );
    expect(dialog).toHaveTextContent('Say why it is rejected.');
    expect(posts).toHaveLength(0);
    await enter(
      within(dialog).getByLabelText(/Why it is rejected/),
      'Move the data lake first.',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Reject' }),
    );
    await waitFor(() =>
      expect(posts).toEqual([{ comment: 'Move the data lake first.' }]),
    );
  });

  it('revoke: asks why, POSTs it, then shows the account without the exception', async () => {
    const accountGets = serveAccount(exempt, noLogGroup);
    const revoked = {
      ...ACTIVE,
      status: 'REVOKED',
      revokedAt: '2026-11-24T08:55:41.000Z',
      revokedBy: SIGNED_IN_USER,
      revokeReason: 'Fixed: the trail delivers again.',
    };
    serveExceptions(exceptions, {
      ...exceptions,
      items: exceptions.items.map(i => (i.id === ACTIVE.id ? revoked : i)),
    });
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
    await waitFor(() => expect(rows(panel)).toHaveLength(5));

    await userEvent.click(
      within(rows(panel)[2]).getByRole('button', { name: 'Revoke' }),
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
      url: `${BACKEND}/v1/exceptions/${ACTIVE.id}/revoke`,
      body: { reason: 'Fixed: the trail delivers again.' },
    });
    await waitFor(() => expect(accountGets()).toBe(2));
    await waitFor(() =>
      expect(rows(panel)[2]).toHaveAttribute('data-status', 'REVOKED'),
    );
    expect(rows(panel)[2]).toHaveTextContent(
      'Fixed: the trail delivers again.',
    );
    await waitFor(() =>
      expect(
        screen.queryByTestId('cis-aws-account-exemption'),
      ).not.toBeInTheDocument(),
    );
  });

  it('withdraw: the requester withdraws their own pending request', async () => {
    serveAccount(exempt);
    serveExceptions(exceptions);
    answer(
      `/v1/exceptions/${GUESTS.id}/revoke`,
      { ...GUESTS, status: 'REVOKED', revokedBy: SIGNED_IN_USER },
      200,
      'post',
    );
    const panel = await showTab();
    await waitFor(() => expect(rows(panel)).toHaveLength(5));
    await userEvent.click(
      within(rows(panel)[1]).getByRole('button', { name: 'Withdraw' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Withdraw the request');
    expect(dialog).toHaveTextContent('nobody can approve it any more');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Withdraw' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('revoke: says so when the exception was already revoked (409)', async () => {
    serveAccount(exempt);
    serveExceptions(exceptions);
    answer(
      `/v1/exceptions/${ACTIVE.id}/revoke`,
      'exception already revoked',
      409,
      'post',
    );
    const panel = await showTab();
    await waitFor(() => expect(rows(panel)).toHaveLength(5));
    await userEvent.click(
      within(rows(panel)[2]).getByRole('button', { name: 'Revoke' }),
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
