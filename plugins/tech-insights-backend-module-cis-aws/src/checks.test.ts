import {
  JsonRulesEngineFactChecker,
  JsonRulesEngineFactCheckerFactory,
  TechInsightJsonRuleCheck,
} from '@backstage-community/plugin-tech-insights-backend-module-jsonfc';
import {
  FlatTechInsightFact,
  TechInsightsStore,
} from '@backstage-community/plugin-tech-insights-node';
import { mockServices } from '@backstage/backend-test-utils';
import { DateTime } from 'luxon';
import {
  checkoutTeamResult,
  notMappedResult,
  paymentsSystemResult,
} from './__fixtures__/entityResults';
import {
  cisAwsChecks,
  cisAwsChecksConfig,
  cisAwsCompliantCheck,
  cisAwsDetectionAlertedCheck,
  cisAwsFailuresFreshCheck,
} from './checks';
import { entityFacts } from './retriever/entityFacts';
import {
  CIS_AWS_FACT_RETRIEVER_ID,
  CisAwsFacts,
  cisAwsFactSchema,
} from './retriever/schema';

const NOW = DateTime.fromISO('2026-11-24T12:00:00.000Z', { zone: 'utc' });
const ENTITY = 'group:default/some-team';

/** Facts of an entity whose accounts all pass, changed by `change`. */
function facts(change: Partial<CisAwsFacts> = {}): CisAwsFacts {
  return {
    cisAwsVerdict: 'PASS',
    cisAwsAccounts: 2,
    cisAwsFailingAccounts: 0,
    cisAwsErroringAccounts: 0,
    cisAwsUnknownAccounts: 0,
    cisAwsExemptAccounts: 0,
    cisAwsPendingAccounts: 0,
    cisAwsOldestFailureDays: 0,
    cisAwsNotPassingAccountRefs: [],
    cisAwsFailingAccountRefs: [],
    cisAwsDetectionVerdict: 'PASS',
    cisAwsDetectionFailingAccounts: 0,
    cisAwsDetectionErroringAccounts: 0,
    cisAwsDetectionNotEvaluatedAccounts: 0,
    cisAwsDetectionFailingChecks: [],
    cisAwsDetectionFailingAccountRefs: [],
    ...change,
  };
}

/** A Tech Insights store holding one entity's latest CIS 2.4 facts, if any. */
function storeWith(entityFactsValue?: CisAwsFacts): TechInsightsStore {
  const unused = () => {
    throw new Error('not used by the fact checker');
  };
  return {
    getLatestFactsByIds: async (
      ids,
      entity,
    ): Promise<Record<string, FlatTechInsightFact>> => {
      if (
        !entityFactsValue ||
        entity !== ENTITY ||
        !ids.includes(CIS_AWS_FACT_RETRIEVER_ID)
      ) {
        return {};
      }
      return {
        [CIS_AWS_FACT_RETRIEVER_ID]: {
          id: CIS_AWS_FACT_RETRIEVER_ID,
          entity: { kind: 'group', namespace: 'default', name: 'some-team' },
          timestamp: NOW,
          facts: entityFactsValue,
        },
      };
    },
    getLatestSchemas: async ids =>
      !ids || ids.includes(CIS_AWS_FACT_RETRIEVER_ID) ? [cisAwsFactSchema] : [],
    insertFacts: unused,
    getEntities: unused,
    getFactsBetweenTimestampsByIds: unused,
    insertFactSchema: unused,
  };
}

/**
 * The real json-rules-engine fact checker of the jsonfc module, with copies
 * of our checks (it writes the check id into each rule it runs).
 */
function checker(entityFactsValue?: CisAwsFacts) {
  return new JsonRulesEngineFactChecker({
    checks: structuredClone(
      cisAwsChecks,
    ) as unknown as TechInsightJsonRuleCheck[],
    repository: storeWith(entityFactsValue),
    logger: mockServices.logger.mock(),
  });
}

async function run(checkId: string, value: CisAwsFacts) {
  const results = await checker(value).runChecks(ENTITY, [checkId]);
  expect(results).toHaveLength(1);
  return results[0];
}

describe('the CIS 2.4 checks, run by the json-rules-engine fact checker', () => {
  it.each(cisAwsChecks.map(check => [check.id, check]))(
    '%s is valid against the retriever schema',
    async (_id, check) => {
      await expect(
        checker().validate(
          structuredClone(check) as unknown as TechInsightJsonRuleCheck,
        ),
      ).resolves.toEqual({ valid: true });
    },
  );

  describe('cis-aws-2-4-compliant', () => {
    it.each<[string, Partial<CisAwsFacts>]>([
      ['every account passes', {}],
      [
        'an account is exempt by an approved exception',
        { cisAwsVerdict: 'EXEMPT', cisAwsExemptAccounts: 1 },
      ],
      [
        'no account maps to the entity',
        { cisAwsVerdict: 'NOT_MAPPED', cisAwsAccounts: 0 },
      ],
    ])('passes when %s', async (_what, change) => {
      expect((await run(cisAwsCompliantCheck.id, facts(change))).result).toBe(
        true,
      );
    });

    it.each<[string, Partial<CisAwsFacts>]>([
      [
        'an account fails',
        {
          cisAwsVerdict: 'FAIL',
          cisAwsFailingAccounts: 1,
          cisAwsOldestFailureDays: 0.5,
        },
      ],
      [
        'an account could not be checked',
        { cisAwsVerdict: 'ERROR', cisAwsErroringAccounts: 1 },
      ],
      [
        'an account is UNKNOWN',
        { cisAwsVerdict: 'UNKNOWN', cisAwsUnknownAccounts: 1 },
      ],
      [
        'no account has been evaluated yet',
        { cisAwsVerdict: 'PENDING', cisAwsPendingAccounts: 2 },
      ],
      [
        'an account has not been evaluated yet, the others pass',
        { cisAwsVerdict: 'PASS', cisAwsPendingAccounts: 1 },
      ],
    ])('fails when %s', async (_what, change) => {
      expect((await run(cisAwsCompliantCheck.id, facts(change))).result).toBe(
        false,
      );
    });

    it('answers with the facts behind the result, described for a scorecard', async () => {
      const result = await run(
        cisAwsCompliantCheck.id,
        entityFacts(checkoutTeamResult, NOW),
      );
      expect(result.result).toBe(false);
      expect(result.check).toMatchObject({
        id: 'cis-aws-2-4-compliant',
        name: cisAwsCompliantCheck.name,
        description: cisAwsCompliantCheck.description,
        // The fact checker answers a failure with the check's failureMetadata.
        metadata: {
          outcome: 'Not every AWS account of this entity passes CIS 2.4',
          accountsFact: 'cisAwsNotPassingAccountRefs',
        },
      });
      // No link to AWS documentation in place of the accounts: the accounts themselves.
      expect(result.check.links ?? []).toEqual([]);
      // The accounts are a fact the rule does not read: a scorecard reads them from the
      // entity's latest facts, named by the metadata.
      expect(
        entityFacts(checkoutTeamResult, NOW).cisAwsNotPassingAccountRefs,
      ).toEqual([
        'resource:default/aws-checkout-dev',
        'resource:default/aws-storefront-staging',
      ]);
      expect(result.facts.cisAwsVerdict).toMatchObject({
        value: 'FAIL',
        type: 'string',
      });
      expect(result.facts.cisAwsFailingAccounts).toMatchObject({
        value: 2,
        type: 'integer',
        description: 'Accounts failing CIS 2.4',
      });
    });
  });

  describe('cis-aws-2-4-failures-fresh', () => {
    it.each([
      [0, true],
      [6.99, true],
      [7, false],
      [30, false],
    ])(
      'with the oldest failure %d days old: %s',
      async (cisAwsOldestFailureDays, expected) => {
        const value = facts({
          cisAwsVerdict: cisAwsOldestFailureDays > 0 ? 'FAIL' : 'PASS',
          cisAwsFailingAccounts: cisAwsOldestFailureDays > 0 ? 1 : 0,
          cisAwsOldestFailureDays,
        });
        expect((await run(cisAwsFailuresFreshCheck.id, value)).result).toBe(
          expected,
        );
      },
    );
  });

  describe('cis-aws-detection-alerted', () => {
    it.each<[string, Partial<CisAwsFacts>]>([
      ['every account alerts someone', {}],
      [
        'an account has no integrated trail (NOT_APPLICABLE: the 2.4 check fails it)',
        { cisAwsDetectionVerdict: 'NOT_APPLICABLE' },
      ],
      [
        'detection is turned off or not evaluated yet',
        {
          cisAwsDetectionVerdict: 'NOT_EVALUATED',
          cisAwsDetectionNotEvaluatedAccounts: 2,
        },
      ],
      [
        'some accounts are not evaluated for detection, the others alert someone',
        { cisAwsDetectionNotEvaluatedAccounts: 1 },
      ],
      [
        'no account maps to the entity',
        { cisAwsDetectionVerdict: 'NOT_MAPPED', cisAwsAccounts: 0 },
      ],
      [
        'the entity fails 2.4 but alerts someone',
        { cisAwsVerdict: 'FAIL', cisAwsFailingAccounts: 1 },
      ],
    ])('passes when %s', async (_what, change) => {
      expect(
        (await run(cisAwsDetectionAlertedCheck.id, facts(change))).result,
      ).toBe(true);
    });

    it.each<[string, Partial<CisAwsFacts>]>([
      [
        'an account alerts nobody',
        {
          cisAwsDetectionVerdict: 'FAIL',
          cisAwsDetectionFailingAccounts: 1,
          cisAwsDetectionFailingChecks: ['3.3'],
        },
      ],
      [
        "an account's alarms could not be read",
        {
          cisAwsDetectionVerdict: 'ERROR',
          cisAwsDetectionErroringAccounts: 1,
        },
      ],
      [
        'an account alerts nobody while the others are not evaluated',
        {
          cisAwsDetectionVerdict: 'FAIL',
          cisAwsDetectionFailingAccounts: 1,
          cisAwsDetectionNotEvaluatedAccounts: 3,
        },
      ],
      [
        'the entity passes 2.4 but an account alerts nobody',
        {
          cisAwsDetectionVerdict: 'FAIL',
          cisAwsDetectionFailingAccounts: 1,
        },
      ],
    ])('fails when %s', async (_what, change) => {
      expect(
        (await run(cisAwsDetectionAlertedCheck.id, facts(change))).result,
      ).toBe(false);
    });

    it('names the accounts behind a failure, as the other checks do', async () => {
      const value = entityFacts(checkoutTeamResult, NOW);
      const result = await run(cisAwsDetectionAlertedCheck.id, value);
      expect(result.result).toBe(false);
      expect(result.check).toMatchObject({
        id: 'cis-aws-detection-alerted',
        name: 'Someone is alerted on root use, IAM policy and CloudTrail changes',
        metadata: {
          outcome: cisAwsDetectionAlertedCheck.failureMetadata.outcome,
          accountsFact: 'cisAwsDetectionFailingAccountRefs',
        },
      });
      expect(value.cisAwsDetectionFailingAccountRefs).toEqual([
        'resource:default/aws-storefront-prod',
        'resource:default/aws-storefront-staging',
      ]);
      expect(result.facts.cisAwsDetectionFailingAccounts).toMatchObject({
        value: 1,
        type: 'integer',
      });
    });
  });

  it('the demo entities: a failing team fails all, a passing system passes all', async () => {
    const ids = cisAwsChecks.map(check => check.id);
    const team = await checker(entityFacts(checkoutTeamResult, NOW)).runChecks(
      ENTITY,
      ids,
    );
    // results come in the order the rules engine settles them, not asked
    const byId = (results: { check: { id: string }; result: unknown }[]) =>
      Object.fromEntries(results.map(r => [r.check.id, r.result]));
    expect(byId(team)).toEqual({
      'cis-aws-2-4-compliant': false,
      'cis-aws-2-4-failures-fresh': false,
      'cis-aws-detection-alerted': false,
    });
    const system = await checker(
      entityFacts({ ...paymentsSystemResult, pendingAccountIds: [] }, NOW),
    ).runChecks(ENTITY, ids);
    expect(byId(system)).toEqual({
      'cis-aws-2-4-compliant': true,
      'cis-aws-2-4-failures-fresh': true,
      // detection not evaluated: nothing shown failing
      'cis-aws-detection-alerted': true,
    });
    const unmapped = await checker(entityFacts(notMappedResult, NOW)).runChecks(
      ENTITY,
      ids,
    );
    expect(byId(unmapped)).toEqual({
      'cis-aws-2-4-compliant': true,
      'cis-aws-2-4-failures-fresh': true,
      'cis-aws-detection-alerted': true,
    });
  });

  it('runs no check for an entity without facts, instead of failing it', async () => {
    await expect(
      checker(undefined).runChecks(ENTITY, [cisAwsCompliantCheck.id]),
    ).resolves.toEqual([]);
  });
});

describe('cisAwsChecksConfig', () => {
  it('is read by the jsonfc module into the same checks', async () => {
    const config = mockServices.rootConfig({
      data: {
        techInsights: {
          factChecker: {
            checks: JSON.parse(JSON.stringify(cisAwsChecksConfig())),
          },
        },
      },
    });
    const factory = JsonRulesEngineFactCheckerFactory.fromConfig(config, {
      logger: mockServices.logger.mock(),
    });
    const checks = await factory.construct(storeWith()).getChecks();
    // config reading leaves absent optional fields as undefined
    expect(JSON.parse(JSON.stringify(checks))).toEqual(
      JSON.parse(JSON.stringify(cisAwsChecks)),
    );
  });
});
