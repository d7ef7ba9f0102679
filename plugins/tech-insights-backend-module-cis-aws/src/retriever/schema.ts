import { FactSchema } from '@backstage-community/plugin-tech-insights-common';
import { EntityResultResponse } from '@cis-aws/plugin-cis-aws-common';

/**
 * The id of the fact retriever. It is three things at once, which is why it
 * is one constant: the key under which the module adds the retriever (and so
 * the `<key>` of `techInsights.factRetrievers.<key>` that schedules it), the
 * id its facts are stored under, and the `factIds` entry of every check that
 * reads them.
 */
export const CIS_AWS_FACT_RETRIEVER_ID = 'cisAwsFactRetriever';

/**
 * Bumped whenever a fact is added, removed or changes meaning: Tech Insights
 * keeps the schema of each version and checks read the latest.
 */
export const CIS_AWS_FACT_RETRIEVER_VERSION = '0.2.0';

/** An entity's verdict as a fact: the API's verdict, PENDING included. */
export type CisAwsVerdictFact = EntityResultResponse['verdict'];

/** Every value `cisAwsVerdict` can take. */
export const CIS_AWS_VERDICT_FACT_VALUES: readonly CisAwsVerdictFact[] = [
  'PASS',
  'FAIL',
  'ERROR',
  'UNKNOWN',
  'EXEMPT',
  'NOT_MAPPED',
  'PENDING',
];

/**
 * The facts written for one entity (a type, not an interface, so that it is
 * assignable to Tech Insights' `Record<string, ...>` of fact values).
 */
export type CisAwsFacts = {
  cisAwsVerdict: CisAwsVerdictFact;
  cisAwsAccounts: number;
  cisAwsFailingAccounts: number;
  cisAwsErroringAccounts: number;
  cisAwsUnknownAccounts: number;
  cisAwsExemptAccounts: number;
  cisAwsPendingAccounts: number;
  cisAwsOldestFailureDays: number;
  /** Entity refs of the accounts that fail, error or are UNKNOWN, worst and oldest first. */
  cisAwsNotPassingAccountRefs: string[];
  /** Entity refs of the failing accounts, longest-failing first. */
  cisAwsFailingAccountRefs: string[];
};

/** How many accounts a list fact names at most (a scorecard links each). */
export const MAX_LISTED_ACCOUNTS = 50;

/**
 * The facts' schema. The descriptions are what a scorecard shows next to a
 * value, so they read as labels.
 */
export const cisAwsFactSchema: Record<keyof CisAwsFacts, FactSchema[string]> = {
  cisAwsVerdict: {
    type: 'string',
    description: 'CIS 2.4 verdict',
  },
  cisAwsAccounts: {
    type: 'integer',
    description: 'AWS accounts mapped to the entity',
  },
  cisAwsFailingAccounts: {
    type: 'integer',
    description: 'Accounts failing CIS 2.4',
  },
  cisAwsErroringAccounts: {
    type: 'integer',
    description: 'Accounts that could not be checked (ERROR)',
  },
  cisAwsUnknownAccounts: {
    type: 'integer',
    description: 'Accounts with an UNKNOWN verdict',
  },
  cisAwsExemptAccounts: {
    type: 'integer',
    description: 'Accounts exempt by an approved exception',
  },
  cisAwsPendingAccounts: {
    type: 'integer',
    description: 'Accounts not evaluated yet',
  },
  cisAwsOldestFailureDays: {
    type: 'float',
    description:
      'Days since the longest-failing account started failing: the start of its open failure episode (0 when none is open)',
  },
  cisAwsNotPassingAccountRefs: {
    type: 'set',
    description: 'Accounts that do not pass',
  },
  cisAwsFailingAccountRefs: {
    type: 'set',
    description: 'Failing accounts, longest-failing first',
  },
};
