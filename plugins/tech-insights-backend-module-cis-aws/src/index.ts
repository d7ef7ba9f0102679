/**
 * Tech Insights for CIS AWS Foundations 2.4: a backend module of
 * `@backstage-community/plugin-tech-insights-backend` whose fact retriever
 * records, per AWS account, system and team, the CIS 2.4 verdict, the
 * accounts by verdict and the age of the oldest failure, and the detection
 * content (CIS 3.x) status beside it; and ready checks for the
 * json-rules-engine fact checker.
 *
 * @packageDocumentation
 */

export { techInsightsModuleCisAws as default } from './module';
export { CIS_AWS_RETRIEVER_CONFIG_KEY } from './module';
export {
  createCisAwsFactRetriever,
  type CisAwsFactRetrieverOptions,
} from './retriever/cisAwsFactRetriever';
export {
  CIS_AWS_DETECTION_VERDICT_FACT_VALUES,
  CIS_AWS_FACT_RETRIEVER_ID,
  CIS_AWS_VERDICT_FACT_VALUES,
  cisAwsFactSchema,
  type CisAwsDetectionVerdictFact,
  type CisAwsFacts,
  type CisAwsVerdictFact,
} from './retriever/schema';
export { CIS_AWS_ENTITY_FILTERS } from './retriever/CisAwsEntityReader';
export {
  cisAwsChecks,
  cisAwsChecksConfig,
  cisAwsCompliantCheck,
  cisAwsDetectionAlertedCheck,
  cisAwsFailuresFreshCheck,
  MAX_FAILURE_AGE_DAYS,
  type CisAwsCheckCondition,
  type CisAwsJsonRuleCheck,
} from './checks';
