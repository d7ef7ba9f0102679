/**
 * The ids of the Tech Insights checks that `@cis-aws/plugin-tech-insights-backend-module-cis-aws`
 * ships (configured under `techInsights.factChecker.checks`), shared so that a frontend scorecard
 * can ask for them without importing a backend module. Config keys cannot hold dots: `2-4`.
 */
export const CIS_AWS_CHECK_IDS = {
  /** Every account evaluated and passing (or exempt). */
  compliant: 'cis-aws-2-4-compliant',
  /** No account failing for 7 days or more. */
  failuresFresh: 'cis-aws-2-4-failures-fresh',
  /** Detection content (CIS 3.x): someone is alerted on the required events in every account. */
  detectionAlerted: 'cis-aws-detection-alerted',
} as const;
