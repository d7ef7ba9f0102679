import { FactRetrieverContext } from '@backstage-community/plugin-tech-insights-node';
import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { EntityResultResponse } from '@cis-aws/plugin-cis-aws-common';
import { DateTime } from 'luxon';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  checkoutTeamResult,
  notMappedResult,
  paymentsSystemResult,
} from '../__fixtures__/entityResults';
import { createCisAwsFactRetriever } from './cisAwsFactRetriever';

const BASE = 'http://backstage.test/api';
const NOW = DateTime.fromISO('2026-11-24T12:00:00.000Z', { zone: 'utc' });

const server = setupServer();
registerMswTestHooks(server);

type CatalogItem = {
  kind: string;
  metadata: { namespace: string; name: string };
};

function item(kind: string, name: string): CatalogItem {
  return { kind, metadata: { namespace: 'default', name } };
}

/** What the fake backends saw: catalog queries, cis-aws requests and their tokens. */
interface Seen {
  catalogQueries: URLSearchParams[];
  catalogTokens: string[];
  cisAwsPaths: string[];
  cisAwsTokens: string[];
}

/**
 * The catalog (by-query, two entities a page) and the cis-aws backend's
 * entity route, faked at the HTTP level. `results` maps an entity ref to its
 * answer: a result, or an HTTP status, or a body that is no result.
 */
function serve(
  items: CatalogItem[],
  results: Record<string, EntityResultResponse | number | object>,
  options: { latencyMs?: number } = {},
): Seen {
  const seen: Seen = {
    catalogQueries: [],
    catalogTokens: [],
    cisAwsPaths: [],
    cisAwsTokens: [],
  };
  server.use(
    http.get(`${BASE}/catalog/entities/by-query`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      seen.catalogQueries.push(query);
      seen.catalogTokens.push(request.headers.get('authorization') ?? '');
      const start = Number(query.get('cursor') ?? 0);
      const next = start + 2;
      return HttpResponse.json({
        items: items.slice(start, next),
        totalItems: items.length,
        pageInfo: next < items.length ? { nextCursor: String(next) } : {},
      });
    }),
    http.get(
      `${BASE}/cis-aws/v1/entities/:kind/:namespace/:name`,
      async ({ request, params }) => {
        seen.cisAwsPaths.push(new URL(request.url).pathname);
        seen.cisAwsTokens.push(request.headers.get('authorization') ?? '');
        if (options.latencyMs) await delay(options.latencyMs);
        const ref = `${params.kind}:${params.namespace}/${params.name}`;
        const answer = results[ref.toLocaleLowerCase('en-US')];
        if (answer === undefined || typeof answer === 'number') {
          const status = answer ?? 404;
          return HttpResponse.json(
            {
              error: { name: 'Error', message: `status ${status} for ${ref}` },
              response: { statusCode: status },
            },
            { status },
          );
        }
        return HttpResponse.json(answer);
      },
    ),
  );
  return seen;
}

function context() {
  const logger = mockServices.logger.mock();
  const auth = mockServices.auth({ pluginId: 'tech-insights' });
  const ctx: FactRetrieverContext = {
    config: mockServices.rootConfig(),
    discovery: {
      getBaseUrl: async pluginId => `${BASE}/${pluginId}`,
      getExternalBaseUrl: async pluginId => `${BASE}/${pluginId}`,
    },
    auth,
    logger,
    urlReader: mockServices.urlReader.mock(),
  };
  return { ctx, logger, auth };
}

async function tokenFor(
  auth: FactRetrieverContext['auth'],
  targetPluginId: string,
) {
  const { token } = await auth.getPluginRequestToken({
    onBehalfOf: await auth.getOwnServiceCredentials(),
    targetPluginId,
  });
  return `Bearer ${token}`;
}

const retriever = createCisAwsFactRetriever({ now: () => NOW });

describe('the CIS 2.4 fact retriever', () => {
  it('writes the facts of a system and of a group', async () => {
    serve([item('System', 'payments'), item('Group', 'checkout-team')], {
      'system:default/payments': paymentsSystemResult,
      'group:default/checkout-team': checkoutTeamResult,
    });
    const { ctx } = context();

    const facts = await retriever.handler(ctx);

    expect(facts).toEqual([
      {
        entity: { kind: 'System', namespace: 'default', name: 'payments' },
        timestamp: NOW,
        facts: {
          cisAwsVerdict: 'EXEMPT',
          cisAwsAccounts: 3,
          cisAwsFailingAccounts: 0,
          cisAwsErroringAccounts: 0,
          cisAwsUnknownAccounts: 0,
          cisAwsExemptAccounts: 1,
          cisAwsPendingAccounts: 1,
          cisAwsOldestFailureDays: 0,
          cisAwsNotPassingAccountRefs: [],
          cisAwsFailingAccountRefs: [],
          cisAwsDetectionVerdict: 'NOT_EVALUATED',
          cisAwsDetectionFailingAccounts: 0,
          cisAwsDetectionErroringAccounts: 0,
          cisAwsDetectionNotEvaluatedAccounts: 3,
          cisAwsDetectionFailingChecks: [],
          cisAwsDetectionFailingAccountRefs: [],
        },
      },
      {
        entity: { kind: 'Group', namespace: 'default', name: 'checkout-team' },
        timestamp: NOW,
        facts: {
          cisAwsVerdict: 'FAIL',
          cisAwsAccounts: 3,
          cisAwsFailingAccounts: 2,
          cisAwsErroringAccounts: 0,
          cisAwsUnknownAccounts: 0,
          cisAwsExemptAccounts: 0,
          cisAwsPendingAccounts: 0,
          cisAwsOldestFailureDays: 10,
          cisAwsNotPassingAccountRefs: [
            'resource:default/aws-checkout-dev',
            'resource:default/aws-storefront-staging',
          ],
          cisAwsFailingAccountRefs: [
            'resource:default/aws-checkout-dev',
            'resource:default/aws-storefront-staging',
          ],
          cisAwsDetectionVerdict: 'FAIL',
          cisAwsDetectionFailingAccounts: 1,
          cisAwsDetectionErroringAccounts: 1,
          cisAwsDetectionNotEvaluatedAccounts: 0,
          cisAwsDetectionFailingChecks: ['3.3', '3.4', '3.5'],
          cisAwsDetectionFailingAccountRefs: [
            'resource:default/aws-storefront-prod',
            'resource:default/aws-storefront-staging',
          ],
        },
      },
    ]);
  });

  it("reads every page of a large entity's accounts, as the API pages them", async () => {
    const [failing] = checkoutTeamResult.accounts.filter(
      a => a.verdict === 'FAIL',
    );
    const [passing] = checkoutTeamResult.accounts.filter(
      a => a.verdict === 'PASS',
    );
    // 2,500 accounts, failing first: 300 FAIL, the oldest failure on the last failing page.
    const all = Array.from({ length: 2500 }, (_, i) =>
      i < 300
        ? {
            ...failing,
            accountId: String(500000000000 + i),
            verdictSince: NOW.toISO()!,
            failingSince:
              i === 299 ? '2026-10-25T12:00:00.000Z' : NOW.toISO()!,
          }
        : { ...passing, accountId: String(500000000000 + i) },
    );
    const offsets: string[] = [];
    serve([item('Group', 'org')], {});
    server.use(
      http.get(
        `${BASE}/cis-aws/v1/entities/Group/default/org`,
        ({ request }) => {
          const query = new URL(request.url).searchParams;
          offsets.push(`${query.get('offset')}+${query.get('limit')}`);
          const offset = Number(query.get('offset'));
          const limit = Number(query.get('limit'));
          return HttpResponse.json({
            ...checkoutTeamResult,
            entityRef: 'group:default/org',
            counts: { ...checkoutTeamResult.counts, FAIL: 300, PASS: 2200 },
            accounts: all.slice(offset, offset + limit),
            accountCount: all.length,
            offset,
            limit,
          });
        },
      ),
    );

    const [fact] = await retriever.handler(context().ctx);

    expect(offsets).toEqual(['0+1000', '1000+1000', '2000+1000']);
    expect(fact.facts).toMatchObject({
      cisAwsVerdict: 'FAIL',
      cisAwsAccounts: 2500,
      cisAwsFailingAccounts: 300,
      cisAwsOldestFailureDays: 30,
    });
  });

  it('writes only facts of its own schema, of the declared types', async () => {
    serve([item('Group', 'checkout-team')], {
      'group:default/checkout-team': checkoutTeamResult,
    });
    const [fact] = await retriever.handler(context().ctx);

    expect(Object.keys(fact.facts).sort()).toEqual(
      Object.keys(retriever.schema).sort(),
    );
    const typeOf = (value: unknown) => {
      if (typeof value === 'string') return 'string';
      if (Array.isArray(value)) {
        return value.every(v => typeof v === 'string') ? 'set' : 'array';
      }
      return Number.isInteger(value) ? 'integer' : typeof value;
    };
    for (const [name, value] of Object.entries(fact.facts)) {
      const declared = retriever.schema[name].type;
      // a float fact may hold a whole number (0 days); an integer may not be fractional
      expect(
        declared === 'float' ? ['integer', 'number'] : [declared],
      ).toContain(typeOf(value));
    }
  });

  it('asks the catalog, page by page, for systems, groups and resources that carry an AWS account id', async () => {
    const items = [
      item('System', 'payments'),
      item('Group', 'checkout-team'),
      item('Group', 'design-team'),
      item('Resource', 'aws-checkout-dev'),
      item('Resource', 'aws-storefront-prod'),
    ];
    const seen = serve(items, {});
    const { ctx, auth } = context();

    await retriever.handler(ctx);

    expect(seen.catalogQueries).toHaveLength(3);
    expect(seen.catalogQueries[0].getAll('filter')).toEqual([
      'kind=system',
      'kind=group',
      'kind=resource,metadata.annotations.amazonaws.com/account-id',
    ]);
    expect(seen.catalogQueries[1].get('cursor')).toBe('2');
    expect(seen.catalogQueries[2].get('cursor')).toBe('4');
    expect(seen.cisAwsPaths.sort()).toEqual([
      '/api/cis-aws/v1/entities/Group/default/checkout-team',
      '/api/cis-aws/v1/entities/Group/default/design-team',
      '/api/cis-aws/v1/entities/Resource/default/aws-checkout-dev',
      '/api/cis-aws/v1/entities/Resource/default/aws-storefront-prod',
      '/api/cis-aws/v1/entities/System/default/payments',
    ]);
    // with the tech-insights plugin's service tokens, one per target plugin
    const catalogToken = await tokenFor(auth, 'catalog');
    const cisAwsToken = await tokenFor(auth, 'cis-aws');
    expect(new Set(seen.catalogTokens)).toEqual(new Set([catalogToken]));
    expect(new Set(seen.cisAwsTokens)).toEqual(new Set([cisAwsToken]));
  });

  it('writes no facts for an entity the cis-aws backend does not know (404), without a warning', async () => {
    serve([item('Group', 'design-team'), item('Group', 'gone-team')], {
      'group:default/design-team': notMappedResult,
    });
    const { ctx, logger } = context();

    const facts = await retriever.handler(ctx);

    expect(facts.map(f => f.entity.name)).toEqual(['design-team']);
    expect(facts[0].facts.cisAwsVerdict).toBe('NOT_MAPPED');
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('skips an entity whose result cannot be read, names it in one warning, and keeps the others', async () => {
    serve(
      [
        item('System', 'payments'),
        item('System', 'broken'),
        item('Group', 'checkout-team'),
        item('Group', 'proxied'),
      ],
      {
        'system:default/payments': paymentsSystemResult,
        'system:default/broken': 503,
        'group:default/checkout-team': checkoutTeamResult,
        'group:default/proxied': { message: 'not a result' },
      },
    );
    const { ctx, logger } = context();

    const facts = await retriever.handler(ctx);

    expect(facts.map(f => f.entity.name)).toEqual([
      'payments',
      'checkout-team',
    ]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    const warning = (logger.warn as jest.Mock).mock.calls[0][0] as string;
    expect(warning).toContain('skipped for 2 of 4 entities');
    expect(warning).toContain('system:default/broken');
    expect(warning).toContain('503');
    expect(warning).toContain('group:default/proxied');
    expect(warning).toContain('unknown verdict');
    expect(warning).not.toContain('Bearer');
  });

  it('names at most five skipped entities and counts the rest', async () => {
    const items = Array.from({ length: 8 }, (_, i) => item('Group', `t${i}`));
    serve(
      items,
      Object.fromEntries(
        items.map(i => [`group:default/${i.metadata.name}`, 500]),
      ),
    );
    const { ctx, logger } = context();

    expect(await retriever.handler(ctx)).toEqual([]);
    const warning = (logger.warn as jest.Mock).mock.calls[0][0] as string;
    expect(warning).toContain('skipped for 8 of 8 entities');
    expect(warning).toContain('and 3 more');
  });

  it('fails the run, writing nothing, when the catalog cannot be listed', async () => {
    server.use(
      http.get(`${BASE}/catalog/entities/by-query`, () =>
        HttpResponse.json({ error: { message: 'down' } }, { status: 503 }),
      ),
    );
    await expect(retriever.handler(context().ctx)).rejects.toThrow(/503/);
  });

  it('asks about at most `concurrency` entities at once', async () => {
    const items = Array.from({ length: 9 }, (_, i) => item('Group', `t${i}`));
    const results = Object.fromEntries(
      items.map(i => [`group:default/${i.metadata.name}`, notMappedResult]),
    );
    serve(items, results);
    // answers the cis-aws requests in place of serve's (later handlers come first)
    let inFlight = 0;
    let maxInFlight = 0;
    server.use(
      http.get(
        `${BASE}/cis-aws/v1/entities/:kind/:namespace/:name`,
        async () => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await delay(20);
          inFlight--;
          return HttpResponse.json(notMappedResult);
        },
      ),
    );

    const facts = await createCisAwsFactRetriever({
      concurrency: 3,
      now: () => NOW,
    }).handler(context().ctx);

    expect(facts).toHaveLength(9);
    expect(maxInFlight).toBe(3);
  });
});
