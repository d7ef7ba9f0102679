import { Grid } from '@material-ui/core';
import {
  EntityAboutCard,
  EntityLayout,
  EntitySwitch,
  isKind,
  isResourceType,
} from '@backstage/plugin-catalog';
import {
  EntityCisAwsCard,
  EntityCisAwsContent,
  isCisAwsAvailable,
} from '@cis-aws/plugin-cis-aws';

// The "CIS 2.4" card, in the overview grid of account, system and group pages
const cisAwsCard = (
  <EntitySwitch>
    <EntitySwitch.Case if={isCisAwsAvailable}>
      <Grid item md={6} xs={12}>
        <EntityCisAwsCard />
      </Grid>
    </EntitySwitch.Case>
  </EntitySwitch>
);

const overviewContent = (
  <Grid container spacing={3} alignItems="stretch">
    {cisAwsCard}
    <Grid item md={6} xs={12}>
      <EntityAboutCard />
    </Grid>
  </Grid>
);

// The "CIS 2.4" tab, on the same pages
const cisAwsEntityPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      {overviewContent}
    </EntityLayout.Route>
    <EntityLayout.Route path="/cis-aws" title="CIS 2.4" if={isCisAwsAvailable}>
      <EntityCisAwsContent />
    </EntityLayout.Route>
  </EntityLayout>
);

const defaultEntityPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3} alignItems="stretch">
        <Grid item md={6} xs={12}>
          <EntityAboutCard />
        </Grid>
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

export const entityPage = (
  <EntitySwitch>
    <EntitySwitch.Case if={isResourceType('cloud-account')}>
      {cisAwsEntityPage}
    </EntitySwitch.Case>
    <EntitySwitch.Case if={isKind('system')} children={cisAwsEntityPage} />
    <EntitySwitch.Case if={isKind('group')} children={cisAwsEntityPage} />
    <EntitySwitch.Case>{defaultEntityPage}</EntitySwitch.Case>
  </EntitySwitch>
);
