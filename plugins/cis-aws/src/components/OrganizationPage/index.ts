export { CisAwsPage } from './CisAwsPage';
