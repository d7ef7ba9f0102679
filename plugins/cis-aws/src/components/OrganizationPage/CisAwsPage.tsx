import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Page,
  SupportButton,
} from '@backstage/core-components';
import { Verdict } from '@cis-aws/plugin-cis-aws-common';
import { Grid } from '@material-ui/core';
import { useCallback, useMemo, useState } from 'react';
import { useAccounts } from '../../hooks';
import { DiagnosticsCard } from '../Diagnostics';
import { TREND_PERIODS, TrendChart } from '../Trends';
import { AccountsTable } from './AccountsTable';
import { AccountsToolbar } from './AccountsToolbar';
import { ExceptionsSummary } from './ExceptionsSummary';
import { OwnersSummary } from './OwnersSummary';
import {
  filterQuery,
  INITIAL_TABLE_STATE,
  pageQuery,
  TableState,
} from './query';
import { RunNowButton } from './RunNowButton';
import { TotalsHeader } from './TotalsHeader';
import { useCsvExport } from './useCsvExport';
import { SystemsSummary } from './SystemsSummary';
import { useLastRun, useOwners, useSystems } from './useOrganizationData';

/** The organization-wide CIS AWS 2.4 scorecard, detection beside it: totals, every account, owners, CSV export. */
export function CisAwsPage() {
  const [state, setState] = useState<TableState>(INITIAL_TABLE_STATE);
  const change = useCallback(
    (update: Partial<TableState>) =>
      setState(previous => ({ ...previous, ...update })),
    [],
  );

  // The headline counts the whole organization: no filters, one row.
  const headline = useAccounts({ limit: 1 });
  const page = useAccounts(pageQuery(state));
  const [ownersDays, setOwnersDays] = useState<number>(TREND_PERIODS[0]);
  const owners = useOwners(ownersDays);
  const systems = useSystems();
  const lastRun = useLastRun();
  const currentFilter = useMemo(() => filterQuery(state), [state]);
  const csv = useCsvExport(currentFilter);

  const ownerRefs = useMemo(
    () =>
      (owners.value?.owners ?? []).flatMap(owner =>
        owner.ownerRef ? [owner.ownerRef] : [],
      ),
    [owners.value],
  );

  const selectVerdict = (verdict: Verdict | undefined) =>
    change({ verdicts: verdict ? [verdict] : [], page: 0 });
  const selectOwner = (ownerRef: string) =>
    change({ owners: [ownerRef], noOwner: false, systems: [], page: 0 });
  const selectNoOwner = () =>
    change({ owners: [], noOwner: true, systems: [], page: 0 });
  const selectSystem = (systemRef: string) =>
    change({ owners: [], noOwner: false, systems: [systemRef], page: 0 });

  return (
    <Page themeId="tool">
      <Header
        title="CIS AWS 2.4"
        subtitle="CloudTrail trails integrated with CloudWatch Logs (Security Hub CloudTrail.5), and who is alerted on what arrives (detection, CIS 3.x)"
      />
      <Content>
        <ContentHeader title="Organization scorecard">
          <SupportButton>
            Every AWS account in the catalog is checked against CIS AWS
            Foundations v1.2 control 2.4: its CloudTrail trails must deliver to
            CloudWatch Logs. Beside it, the Detection column says whether anyone
            is alerted on what arrives there (metric filters and alarms, CIS
            3.x). Click a total to filter the accounts; export the current view
            as CSV.
          </SupportButton>
        </ContentHeader>
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <TotalsHeader
              totals={headline.value?.totals}
              totalCount={headline.value?.totalCount}
              loading={headline.loading}
              error={headline.error}
              lastRun={lastRun.value}
              selected={state.verdicts}
              onSelect={selectVerdict}
            />
          </Grid>
          <Grid item xs={12}>
            <TrendChart />
          </Grid>
          {/* Users allowed to run evaluations only: renders nothing for the others. */}
          <Grid item xs={12}>
            <RunNowButton
              onFinished={() => {
                lastRun.retry();
                headline.retry();
                page.retry();
                owners.retry();
                systems.retry();
              }}
            />
          </Grid>
          <Grid item xs={12}>
            <InfoCard title="Accounts">
              <AccountsToolbar
                state={state}
                onChange={change}
                ownerRefs={ownerRefs}
                totalCount={page.value?.totalCount}
                totals={page.value?.totals}
                onExport={csv.exportCsv}
                exporting={csv.exporting}
                exportError={csv.error}
              />
              <AccountsTable
                response={page.value}
                loading={page.loading}
                error={page.error}
                state={state}
                onChange={change}
              />
            </InfoCard>
          </Grid>
          <Grid item xs={12}>
            <OwnersSummary
              response={owners.value}
              days={ownersDays}
              onDaysChange={setOwnersDays}
              loading={owners.loading}
              error={owners.error}
              onSelectOwner={selectOwner}
              onSelectNoOwner={selectNoOwner}
            />
          </Grid>
          <Grid item xs={12}>
            <SystemsSummary
              systems={systems.value}
              loading={systems.loading}
              error={systems.error}
              onSelectSystem={selectSystem}
            />
          </Grid>
          <Grid item xs={12}>
            <ExceptionsSummary />
          </Grid>
          {/* Admins only: renders nothing for users who may not run evaluations. */}
          <Grid item xs={12}>
            <DiagnosticsCard />
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
