import {
  Content,
  ContentHeader,
  PageWithHeader,
  SupportButton,
} from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import {
  CatalogTable,
  CatalogTableColumnsFunc,
  CatalogTableRow,
} from '@backstage/plugin-catalog';
import {
  CatalogFilterLayout,
  DefaultFilters,
  EntityListProvider,
} from '@backstage/plugin-catalog-react';
import {
  createCisAwsCatalogColumn,
  HomePageCisAwsMyAccountsCard,
} from '@cis-aws/plugin-cis-aws';
import { Box } from '@material-ui/core';

/** The `spec.type` of the demo's AWS account Resources. */
export const ACCOUNT_TYPE = 'cloud-account';

const cisColumn = createCisAwsCatalogColumn<CatalogTableRow>();

/**
 * The catalog's default columns, and a "CIS 2.4" column when the list shows AWS accounts
 * (kind Resource, type cloud-account).
 */
export const catalogColumns: CatalogTableColumnsFunc = context => {
  const defaults = CatalogTable.defaultColumnsFunc(context);
  const isResource =
    context.filters.kind?.value.toLocaleLowerCase('en-US') === 'resource';
  const types = context.filters.type?.getTypes() ?? [];
  return isResource && types.includes(ACCOUNT_TYPE)
    ? [...defaults, cisColumn]
    : defaults;
};

/**
 * What the app shows at `/` (and /catalog) to a signed-in user: "My AWS accounts" (the CIS 2.4
 * status of their groups' accounts) above the catalog, which has a CIS column for accounts.
 * The catalog part is the plugin's default catalog page (same filters, same table).
 */
export function CatalogIndex() {
  const orgName =
    useApi(configApiRef).getOptionalString('organization.name') ?? 'Backstage';
  return (
    <EntityListProvider>
      <PageWithHeader title={`${orgName} Catalog`} themeId="home">
        <Content>
          <ContentHeader title="">
            <SupportButton>All your software catalog entities</SupportButton>
          </ContentHeader>
          <Box mb={3}>
            <HomePageCisAwsMyAccountsCard />
          </Box>
          <CatalogFilterLayout>
            <CatalogFilterLayout.Filters>
              <DefaultFilters
                initialKind="component"
                initiallySelectedFilter="owned"
              />
            </CatalogFilterLayout.Filters>
            <CatalogFilterLayout.Content>
              <CatalogTable columns={catalogColumns} />
            </CatalogFilterLayout.Content>
          </CatalogFilterLayout>
        </Content>
      </PageWithHeader>
    </EntityListProvider>
  );
}
