/**
 * Backend plugin evaluating CIS AWS Foundations v1.2 control 2.4
 * (CloudTrail trails integrated with CloudWatch Logs) for the AWS accounts
 * of the Backstage catalog.
 *
 * @packageDocumentation
 */
export { cisAwsPlugin as default } from './plugin';
