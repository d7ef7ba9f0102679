/**
 * The pure verdict logic of CIS AWS Foundations v1.2 control 2.4: collected facts in,
 * verdicts with reasons and warnings out. No AWS calls, no clock, no storage.
 */
export * from './arns';
export * from './evaluateTrail';
export { DESCRIBE_ORGANIZATION } from './trailWarnings';
export * from './evaluateAccount';
export * from './aggregateEntity';
export * from './failureEpisodes';
export * from './chainLinks';
export * from './securityHub';
export * from './iamPolicy';
export * from './trustPolicy';
export * from './permissionSimulation';
export {
  parsePolicyDocument,
  matchesWildcard,
  type ParsedPolicy,
  type PolicyStatement,
  type PrincipalSpec,
} from './iamPolicyDocument';
export * from './detection';
