export { CisAwsScorecardCard } from './CisAwsScorecardCard';
export { CIS_AWS_CHECK_IDS } from './runChecks';
