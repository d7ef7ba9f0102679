export {
  HomePageCisAwsMyAccountsCard,
  MyAccountsPage,
} from './HomePageCisAwsMyAccountsCard';
export { CisAwsMyAccountsList } from './MyAccountsList';
