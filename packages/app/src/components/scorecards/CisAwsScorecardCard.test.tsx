import { CheckResult } from '@backstage-community/plugin-tech-insights-common';
import { Entity } from '@backstage/catalog-model';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CisAwsScorecardCard } from './CisAwsScorecardCard';

const BASE = 'http://backstage.test/api/tech-insights';

const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'checkout-team', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

/** A check result as the json-rules-engine fact checker answers it. */
function checkResult(
  id: string,
  name: string,
  result: boolean,
  facts: Record<string, [value: string | number, description: string]>,
  metadata?: Record<string, unknown>,
): CheckResult {
  return {
    check: {
      id,
      type: 'json-rules-engine',
      name,
      description: `Passes when ${name.toLowerCase()}`,
      factIds: ['cisAwsFactRetriever'],
      ...(metadata ? { metadata } : {}),
    } as CheckResult['check'],
    result,
    facts: Object.fromEntries(
      Object.entries(facts).map(([factName, [value, description]]) => [
        factName,
        {
          id: factName,
          type: typeof value === 'number' ? 'integer' : 'string',
          description,
          value,
        },
      ]),
    ),
  };
}

const compliantFailing = checkResult(
  'cis-aws-2-4-compliant',
  'Every AWS account passes CIS 2.4',
  false,
  {
    cisAwsVerdict: ['FAIL', 'CIS 2.4 verdict'],
    cisAwsFailingAccounts: [2, 'Accounts failing CIS 2.4'],
  },
  // what the fact checker returns for a failure: the check's failureMetadata
  {
    outcome: 'Not every AWS account of this entity passes CIS 2.4',
    accountsFact: 'cisAwsNotPassingAccountRefs',
  },
);
const freshPassing = checkResult(
  'cis-aws-2-4-failures-fresh',
  'CIS 2.4 failures are fixed within 7 days',
  true,
  { cisAwsOldestFailureDays: [1.5, 'Days since the oldest failure'] },
  {
    outcome:
      'No AWS account of this entity has failed CIS 2.4 for 7 days or more',
  },
);

/** The entity's latest facts, as GET /facts/latest answers them. */
const latestFacts = {
  status: 200,
  body: {
    cisAwsFactRetriever: {
      id: 'cisAwsFactRetriever',
      entity: { kind: 'Group', namespace: 'default', name: 'checkout-team' },
      timestamp: '2026-12-06T08:00:00.000Z',
      facts: {
        cisAwsVerdict: 'FAIL',
        cisAwsNotPassingAccountRefs: [
          'resource:default/aws-checkout-dev',
          'resource:default/aws-storefront-staging',
        ],
        cisAwsFailingAccountRefs: ['resource:default/aws-checkout-dev'],
      },
    },
  },
};

/** A fetchApi answering each request with the next of `answers`, recording the requests. */
function fakeFetch(...answers: { status: number; body: unknown }[]) {
  const requests: { url: string; init?: RequestInit }[] = [];
  const fetch = jest.fn(async (url: string, init?: RequestInit) => {
    requests.push({ url, init });
    const { status, body } =
      answers[Math.min(requests.length, answers.length) - 1];
    // the parts of a fetch Response the card reads
    return {
      ok: status >= 200 && status < 300,
      status,
      statusText: status === 200 ? 'OK' : 'Internal Server Error',
      json: async () => body,
    } as unknown as Response;
  });
  return { fetchApi: { fetch }, requests };
}

async function renderCard(fetchApi: { fetch: jest.Mock }, entity = team) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [discoveryApiRef, { getBaseUrl: async () => BASE }],
        [fetchApiRef, fetchApi],
      ]}
    >
      <EntityProvider entity={entity}>
        <CisAwsScorecardCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('CisAwsScorecardCard', () => {
  it("runs the CIS AWS checks on the entity and shows each result with the facts behind it, in the scorecard's order", async () => {
    const { fetchApi, requests } = fakeFetch(
      {
        status: 200,
        body: [freshPassing, compliantFailing], // the checker's order varies
      },
      latestFacts,
    );
    await renderCard(fetchApi);

    const card = await screen.findByTestId('cis-aws-scorecard');
    const checks = await within(card).findAllByTestId(
      'cis-aws-scorecard-check',
    );
    // Its checks are 2.4's and detection's: the title names neither alone.
    expect(screen.getByText('CIS AWS scorecard')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Tech Insights checks on the latest facts: CIS 2.4 (CloudTrail to CloudWatch Logs) and detection (CIS 3.x)',
      ),
    ).toBeInTheDocument();

    await within(card).findByTestId('cis-aws-scorecard-accounts');
    expect(requests).toHaveLength(2);
    expect(requests[1].url).toBe(
      `${BASE}/facts/latest?entity=group%3Adefault%2Fcheckout-team&ids=cisAwsFactRetriever`,
    );
    expect(requests[0].url).toBe(
      `${BASE}/checks/run/default/Group/checkout-team`,
    );
    expect(requests[0].init?.method).toBe('POST');
    expect(JSON.parse(String(requests[0].init?.body))).toEqual({
      checks: [
        'cis-aws-2-4-compliant',
        'cis-aws-2-4-failures-fresh',
        'cis-aws-detection-alerted',
      ],
    });

    expect(
      within(card).getByTestId('cis-aws-scorecard-summary'),
    ).toHaveTextContent('1 of 2 checks pass');
    expect(checks.map(c => [c.dataset.checkId, c.dataset.result])).toEqual([
      ['cis-aws-2-4-compliant', 'fail'],
      ['cis-aws-2-4-failures-fresh', 'pass'],
    ]);
    const [compliant, fresh] = checks;
    expect(within(compliant).getByText('Failed')).toBeInTheDocument();
    // The outcome, for this kind of entity; the pass criterion only as such.
    expect(
      within(compliant).getByText(
        'Not every AWS account of this team passes CIS 2.4',
      ),
    ).toBeInTheDocument();
    expect(
      within(compliant).getByText(
        'Check "Every AWS account passes CIS 2.4": Passes when every aws account passes cis 2.4',
      ),
    ).toBeInTheDocument();
    // The accounts behind the failure, each linked to its page.
    const accounts = within(compliant).getByTestId(
      'cis-aws-scorecard-accounts',
    );
    expect(
      within(accounts)
        .getAllByRole('link')
        .map(link => [link.textContent, link.getAttribute('href')]),
    ).toEqual([
      ['aws-checkout-dev', '/catalog/default/resource/aws-checkout-dev'],
      [
        'aws-storefront-staging',
        '/catalog/default/resource/aws-storefront-staging',
      ],
    ]);
    expect(
      compliant.querySelector('[data-fact="cisAwsFailingAccounts"]'),
    ).toHaveTextContent('2');
    expect(
      compliant.querySelector('[data-fact="cisAwsVerdict"]'),
    ).toHaveTextContent('FAIL');
    expect(within(fresh).getByText('Passed')).toBeInTheDocument();
    expect(
      within(fresh).getByText(
        'No AWS account of this team has failed CIS 2.4 for 7 days or more',
      ),
    ).toBeInTheDocument();
    // A passing check lists no accounts, and nothing links to AWS documentation.
    expect(
      within(fresh).queryByTestId('cis-aws-scorecard-accounts'),
    ).toBeNull();
    expect(
      fresh.querySelector('[data-fact="cisAwsOldestFailureDays"]'),
    ).toHaveTextContent('1.5 days');
    expect(
      screen
        .queryAllByRole('link')
        .filter(link =>
          /docs\.aws\.amazon\.com/.test(link.getAttribute('href') ?? ''),
        ),
    ).toEqual([]);
  });

  it('says so when the accounts behind a failure cannot be read', async () => {
    const { fetchApi } = fakeFetch(
      { status: 200, body: [compliantFailing] },
      {
        status: 403,
        body: { error: { name: 'NotAllowedError', message: 'Unauthorized' } },
      },
    );
    await renderCard(fetchApi);
    expect(
      await screen.findByText(
        /The accounts behind this result could not be read: Unauthorized \(HTTP 403\)/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('cis-aws-scorecard-check')).toHaveAttribute(
      'data-result',
      'fail',
    );
  });

  it('explains a passing compliance check of an entity that maps to no AWS account', async () => {
    const { fetchApi } = fakeFetch({
      status: 200,
      body: [
        checkResult('cis-aws-2-4-compliant', 'Compliant', true, {
          cisAwsVerdict: ['NOT_MAPPED', 'CIS 2.4 verdict'],
          cisAwsFailingAccounts: [0, 'Accounts failing CIS 2.4'],
        }),
      ],
    });
    await renderCard(fetchApi);

    expect(
      await screen.findByText(
        'No AWS account maps to this entity, so nothing can fail.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('cis-aws-scorecard-summary')).toHaveTextContent(
      '1 of 1 checks pass',
    );
  });

  it('says so when the entity has no CIS AWS facts yet (no check ran)', async () => {
    const { fetchApi } = fakeFetch({ status: 200, body: [] });
    await renderCard(fetchApi);

    expect(
      await screen.findByTestId('cis-aws-scorecard-empty'),
    ).toHaveTextContent('No CIS AWS facts for this entity yet');
    expect(screen.queryByTestId('cis-aws-scorecard-check')).toBeNull();
  });

  it("shows the backend's error, and runs the checks again on Retry", async () => {
    const { fetchApi, requests } = fakeFetch(
      {
        status: 500,
        body: {
          error: {
            name: 'Error',
            message: 'Not all facts are defined: cisAwsVerdict',
          },
        },
      },
      { status: 200, body: [compliantFailing] },
      latestFacts,
    );
    await renderCard(fetchApi);

    expect(
      await screen.findByText(/Could not run the CIS AWS checks/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Not all facts are defined: cisAwsVerdict (HTTP 500)'),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));

    expect(
      await screen.findByTestId('cis-aws-scorecard-check'),
    ).toHaveAttribute('data-result', 'fail');
    await screen.findByTestId('cis-aws-scorecard-accounts');
    expect(requests).toHaveLength(3);
  });
});
