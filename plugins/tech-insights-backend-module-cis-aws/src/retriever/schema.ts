import { FactSchema } from '@backstage-community/plugin-tech-insights-common';
import {
  DetectionVerdict,
  EntityResultResponse,
} from '@cis-aws/plugin-cis-aws-common';

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
export const CIS_AWS_FACT_RETRIEVER_VERSION = '0.3.0';

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
 * An entity's detection content status (control `cis-3.x-detection`) as a fact: the worst
 * detection verdict of its accounts (FAIL, ERROR, PASS, NOT_APPLICABLE, in that order);
 * NOT_EVALUATED when none of its accounts has a detection result (detection is turned off,
 * `cisAws.detection.enabled: false`, or has not run yet); NOT_MAPPED when no account maps to it.
 */
export type CisAwsDetectionVerdictFact =
  | DetectionVerdict
  | 'NOT_EVALUATED'
  | 'NOT_MAPPED';

/** Every value `cisAwsDetectionVerdict` can take. */
export const CIS_AWS_DETECTION_VERDICT_FACT_VALUES: readonly CisAwsDetectionVerdictFact[] =
  ['PASS', 'FAIL', 'ERROR', 'NOT_APPLICABLE', 'NOT_EVALUATED', 'NOT_MAPPED'];

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
  /** Detection content (CIS 3.x), beside the 2.4 verdict, never folded into it. */
  cisAwsDetectionVerdict: CisAwsDetectionVerdictFact;
  /** Accounts whose detection result is FAIL. */
  cisAwsDetectionFailingAccounts: number;
  /** Accounts whose detection could not be checked (ERROR). */
  cisAwsDetectionErroringAccounts: number;
  /** Accounts (evaluated for 2.4 or pending) without a detection result. */
  cisAwsDetectionNotEvaluatedAccounts: number;
  /** The detection checks (`3.3`, …) that some account fails or could not check, in check order. */
  cisAwsDetectionFailingChecks: string[];
  /** Entity refs of the accounts whose detection is FAIL or ERROR, FAIL first, longest first. */
  cisAwsDetectionFailingAccountRefs: string[];
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
  cisAwsDetectionVerdict: {
    type: 'string',
    description: 'Detection content (CIS 3.x) verdict',
  },
  cisAwsDetectionFailingAccounts: {
    type: 'integer',
    description:
      'Accounts where nobody is alerted on a required event (detection FAIL)',
  },
  cisAwsDetectionErroringAccounts: {
    type: 'integer',
    description:
      'Accounts whose detection content could not be checked (ERROR)',
  },
  cisAwsDetectionNotEvaluatedAccounts: {
    type: 'integer',
    description: 'Accounts whose detection content has not been evaluated',
  },
  cisAwsDetectionFailingChecks: {
    type: 'set',
    description: 'Detection checks (CIS 3.x) failing in some account',
  },
  cisAwsDetectionFailingAccountRefs: {
    type: 'set',
    description:
      'Accounts whose detection content fails or could not be checked',
  },
};
