import { Content, Header, InfoCard, Page } from '@backstage/core-components';
import { CisAwsMyAccountsList } from './MyAccountsList';

/**
 * "My AWS accounts" for a home page: the CIS 2.4 status of the accounts the signed-in user's
 * groups own. Any home page takes it (a Grid item, or a card of `@backstage/plugin-home`).
 */
export function HomePageCisAwsMyAccountsCard(props: { title?: string }) {
  return (
    <InfoCard
      title={props.title ?? 'My AWS accounts'}
      subheader="CIS 2.4: CloudTrail delivering to CloudWatch Logs"
    >
      <CisAwsMyAccountsList />
    </InfoCard>
  );
}

/** The card on a page of its own (the new frontend system's /cis-aws/my-accounts). */
export function MyAccountsPage() {
  return (
    <Page themeId="tool">
      <Header title="My AWS accounts" subtitle="CIS AWS 2.4" />
      <Content>
        <HomePageCisAwsMyAccountsCard title="Accounts owned by you and your groups" />
      </Content>
    </Page>
  );
}
