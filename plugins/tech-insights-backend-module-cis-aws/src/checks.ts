import { Check } from '@backstage-community/plugin-tech-insights-common';
import { CIS_AWS_CHECK_IDS } from '@cis-aws/plugin-cis-aws-common';
import { CIS_AWS_FACT_RETRIEVER_ID } from './retriever/schema';

/** One condition of a json-rules-engine rule: a fact, an operator, a value. */
export interface CisAwsCheckCondition {
  fact: string;
  operator: 'equal' | 'notIn' | 'lessThan';
  value: number | string | string[];
}

/**
 * A check for the json-rules-engine fact checker
 * (`@backstage-community/plugin-tech-insights-backend-module-jsonfc`): the
 * same shape as its `TechInsightJsonRuleCheck`, declared here so that this
 * module does not depend on the checker a platform team picks.
 */
export interface CisAwsJsonRuleCheck extends Check {
  type: 'json-rules-engine';
  successMetadata: CisAwsCheckOutcome & Record<string, unknown>;
  failureMetadata: CisAwsCheckOutcome & Record<string, unknown>;
  rule: { conditions: { all: CisAwsCheckCondition[] } };
}

/**
 * What a scorecard shows for a check's result (Backstage's `successMetadata` /
 * `failureMetadata`): the outcome in words ("this entity" stands for the entity's kind:
 * team, system, …) and which list fact names the accounts behind a failure.
 */
export interface CisAwsCheckOutcome {
  outcome: string;
  /** A `set` fact of account entity refs, to be listed and linked. */
  accountsFact?:
    | 'cisAwsNotPassingAccountRefs'
    | 'cisAwsFailingAccountRefs'
    | 'cisAwsDetectionFailingAccountRefs';
}

/**
 * "CIS 2.4 compliant": every AWS account of the entity has been evaluated and
 * passes or is exempt.
 *
 * - FAIL, ERROR and UNKNOWN fail the check: an account that could not be
 *   checked is not proven compliant.
 * - PENDING (mapped accounts not evaluated yet, even some of them) fails it
 *   for the same reason, until the first evaluation (within a minute of an
 *   account appearing in the catalog).
 * - EXEMPT passes: an approved exception is the sanctioned way out.
 * - NOT_MAPPED (no account at all) passes: there is nothing to be
 *   non-compliant. A scorecard shows the zero accounts next to the result.
 *
 * The verdict condition alone would decide it; the counts make the facts
 * behind a failure visible on the scorecard.
 */
export const cisAwsCompliantCheck: CisAwsJsonRuleCheck = {
  id: CIS_AWS_CHECK_IDS.compliant,
  type: 'json-rules-engine',
  name: 'Every AWS account passes CIS 2.4',
  description:
    'Passes when every AWS account of this entity has been evaluated and its CloudTrail delivers to CloudWatch Logs (CIS AWS Foundations 2.4), or it is exempt by an approved exception.',
  factIds: [CIS_AWS_FACT_RETRIEVER_ID],
  successMetadata: {
    outcome: 'Every AWS account of this entity passes CIS 2.4',
  },
  failureMetadata: {
    outcome: 'Not every AWS account of this entity passes CIS 2.4',
    accountsFact: 'cisAwsNotPassingAccountRefs',
  },
  rule: {
    conditions: {
      all: [
        {
          fact: 'cisAwsVerdict',
          operator: 'notIn',
          value: ['FAIL', 'ERROR', 'UNKNOWN', 'PENDING'],
        },
        { fact: 'cisAwsFailingAccounts', operator: 'equal', value: 0 },
        { fact: 'cisAwsErroringAccounts', operator: 'equal', value: 0 },
        { fact: 'cisAwsUnknownAccounts', operator: 'equal', value: 0 },
        { fact: 'cisAwsPendingAccounts', operator: 'equal', value: 0 },
      ],
    },
  },
};

/** The age under which a failure still counts as being fixed. */
export const MAX_FAILURE_AGE_DAYS = 7;

/**
 * "CIS 2.4 failures fixed within 7 days": no account of the entity has been
 * failing for a week or more. It passes while nothing fails (the age is 0
 * then), and separates a fresh failure someone is on from a forgotten one.
 */
export const cisAwsFailuresFreshCheck: CisAwsJsonRuleCheck = {
  id: CIS_AWS_CHECK_IDS.failuresFresh,
  type: 'json-rules-engine',
  name: `CIS 2.4 failures are fixed within ${MAX_FAILURE_AGE_DAYS} days`,
  description: `Passes when no AWS account of this entity has been failing CIS AWS Foundations 2.4 for ${MAX_FAILURE_AGE_DAYS} days or more.`,
  factIds: [CIS_AWS_FACT_RETRIEVER_ID],
  successMetadata: {
    outcome: `No AWS account of this entity has failed CIS 2.4 for ${MAX_FAILURE_AGE_DAYS} days or more`,
  },
  failureMetadata: {
    outcome: `An AWS account of this entity has failed CIS 2.4 for ${MAX_FAILURE_AGE_DAYS} days or more`,
    accountsFact: 'cisAwsFailingAccountRefs',
  },
  rule: {
    conditions: {
      all: [
        {
          fact: 'cisAwsOldestFailureDays',
          operator: 'lessThan',
          value: MAX_FAILURE_AGE_DAYS,
        },
      ],
    },
  },
};

/**
 * "Someone is alerted on root use, IAM policy and CloudTrail changes": no AWS account of the
 * entity fails its detection content (control `cis-3.x-detection`: a metric filter on the log
 * group its trail delivers to that detects the events, an alarm on the filter's metric, an SNS
 * topic in the alarm's actions and a confirmed subscriber, for each required check; by default
 * the seed's baseline 3.3, 3.4, 3.5).
 *
 * - FAIL fails the check: nobody is told about some of these events.
 * - ERROR fails it too, as an ERROR fails the 2.4 check: an account whose alarms could not be
 *   read is not shown to alert anyone (a reader role without the detection actions makes every
 *   account ERROR, and that is worth a red check).
 * - NOT_APPLICABLE (no trail delivers to a log group) passes here: the 2.4 check already fails
 *   that account, and detection is beside 2.4, never folded into it (detection-content.md).
 * - No detection result (turned off with `cisAws.detection.enabled: false`, not evaluated yet,
 *   or no account at all) passes: nothing shown failing, rather than a failure made of an absent
 *   result. `cisAwsDetectionNotEvaluatedAccounts` says how many accounts that is.
 */
export const cisAwsDetectionAlertedCheck: CisAwsJsonRuleCheck = {
  id: CIS_AWS_CHECK_IDS.detectionAlerted,
  type: 'json-rules-engine',
  name: 'Someone is alerted on root use, IAM policy and CloudTrail changes',
  description:
    'Passes when no evaluated AWS account of this entity fails its detection content (CIS AWS Foundations 3.x; by default 3.3 root use, 3.4 IAM policy changes, 3.5 CloudTrail changes): a metric filter on the log group its CloudTrail delivers to detects the events, and an alarm on it notifies an SNS topic with a confirmed subscriber. An account whose detection could not be checked fails it; one not evaluated for detection does not.',
  factIds: [CIS_AWS_FACT_RETRIEVER_ID],
  successMetadata: {
    outcome:
      'Someone is alerted on root use, IAM policy and CloudTrail changes in every evaluated AWS account of this entity',
  },
  failureMetadata: {
    outcome:
      'Nobody is shown to be alerted on some of root use, IAM policy and CloudTrail changes in an AWS account of this entity',
    accountsFact: 'cisAwsDetectionFailingAccountRefs',
  },
  rule: {
    conditions: {
      all: [
        {
          fact: 'cisAwsDetectionVerdict',
          operator: 'notIn',
          value: ['FAIL', 'ERROR'],
        },
        { fact: 'cisAwsDetectionFailingAccounts', operator: 'equal', value: 0 },
        {
          fact: 'cisAwsDetectionErroringAccounts',
          operator: 'equal',
          value: 0,
        },
      ],
    },
  },
};

/** The checks, in the order a scorecard shows them. */
export const cisAwsChecks: readonly CisAwsJsonRuleCheck[] = [
  cisAwsCompliantCheck,
  cisAwsFailuresFreshCheck,
  cisAwsDetectionAlertedCheck,
];

/**
 * The checks as `techInsights.factChecker.checks` config (what the jsonfc
 * module reads), keyed by check id: the same content as the YAML in the
 * README, for a backend that assembles its config in code, and for tests.
 */
export function cisAwsChecksConfig(): Record<
  string,
  Omit<CisAwsJsonRuleCheck, 'id'>
> {
  return Object.fromEntries(
    cisAwsChecks.map(({ id, ...check }) => [
      id,
      JSON.parse(JSON.stringify(check)),
    ]),
  );
}
