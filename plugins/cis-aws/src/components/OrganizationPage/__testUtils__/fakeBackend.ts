import {
  AccountSummary,
  AccountsListResponse,
  VERDICTS,
} from '@cis-aws/plugin-cis-aws-common';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import accountsList from '../../../__fixtures__/accounts-list.json';
import ownersFixture from '../../../__fixtures__/owners.json';
import runsFixture from '../../../__fixtures__/runs.json';
import { answer, BACKEND, server } from '../../../__testUtils__/render';

export const FIXTURE = accountsList as AccountsListResponse;

/**
 * A fake `GET /v1/accounts` over `accounts`: filters by verdict, owner and
 * search, pages by offset/limit, and records every request's query.
 */
export function fakeAccounts(accounts: AccountSummary[]) {
  const requests: URLSearchParams[] = [];
  server.use(
    http.get(`${BACKEND}/v1/accounts`, ({ request }) => {
      const params = new URL(request.url).searchParams;
      requests.push(params);
      const verdicts = params.getAll('verdict');
      const detection = params.getAll('detection');
      const owners = params.getAll('owner');
      const noOwner = params.get('noOwner') === 'true';
      const systems = params.getAll('system');
      const search = params.get('search')?.toLowerCase();
      const matching = accounts.filter(
        a =>
          (!verdicts.length || verdicts.includes(a.verdict)) &&
          (!detection.length ||
            detection.includes(a.detection?.verdict ?? '')) &&
          (!owners.length || owners.includes(a.ownerRef ?? '')) &&
          (!noOwner || !a.ownerRef) &&
          (!systems.length || systems.includes(a.systemRef ?? '')) &&
          (!search ||
            `${a.accountId} ${a.title}`.toLowerCase().includes(search)),
      );
      const offset = Number(params.get('offset') ?? 0);
      const limit = Number(params.get('limit') ?? 50);
      const totals = Object.fromEntries(
        VERDICTS.map(v => [v, 0]),
      ) as AccountsListResponse['totals'];
      matching.forEach(a => totals[a.verdict]++);
      const body: AccountsListResponse = {
        items: matching.slice(offset, offset + limit),
        totalCount: matching.length,
        totals,
        offset,
        limit,
      };
      return HttpResponse.json(body);
    }),
  );
  /** The requests of the table and the export, not the headline's (no filters, limit 1). */
  const listRequests = () => requests.filter(p => p.get('limit') !== '1');
  return { requests, listRequests };
}

export function syntheticAccounts(
  count: number,
  verdict: AccountSummary['verdict'] = 'FAIL',
): AccountSummary[] {
  return Array.from({ length: count }, (_, i) => ({
    ...FIXTURE.items[0],
    accountId: String(500000000000 + i),
    title: `account-${String(i).padStart(4, '0')}`,
    entityRef: `resource:default/account-${i}`,
    verdict,
  }));
}

export function setup(accounts: AccountSummary[] = FIXTURE.items) {
  answer('/v1/owners', ownersFixture);
  answer('/v1/runs', runsFixture);
  return fakeAccounts(accounts);
}

export async function rows() {
  return screen.findAllByTestId('cis-account-row');
}
