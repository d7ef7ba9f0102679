/**
 * Node helpers shared by the CIS AWS Foundations 2.4 backend packages:
 * bounded concurrency and the credentials to act in an AWS account through a
 * configurable endpoint. Internal to the CIS AWS plugins.
 *
 * @packageDocumentation
 */

export { forEachWithConcurrency, mapWithConcurrency } from './concurrency';
export { readAccountRole } from './accountRole';
export type { AccountRole } from './accountRole';
export { memoizeCredentials } from './memoizeCredentials';
export { createAccountCredentials } from './accountCredentials';
export type {
  AccountCredentials,
  AccountCredentialsOptions,
  StsCall,
} from './accountCredentials';
export {
  cronProblem,
  durationMs,
  readCheckedDuration,
  scheduleProblems,
} from './scheduleConfig';
export type { ConfigDuration, ConfigProblem } from './scheduleConfig';
