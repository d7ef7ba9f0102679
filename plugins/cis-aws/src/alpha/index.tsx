/**
 * The CIS AWS 2.4 plugin for Backstage's new frontend system: install the
 * package and the API, the entity card and tab, and the page are discovered.
 *
 * @packageDocumentation
 */
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { cisAwsApiRef } from '../api/CisAwsApi';
import { CisAwsClient } from '../api/CisAwsClient';
import { isCisAwsAvailable } from '../conditions';
import { rootRouteRef } from '../routes';

/** @alpha */
export const cisAwsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: cisAwsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new CisAwsClient(deps),
    }),
});

/** The "CIS 2.4" card on account, system and group pages. @alpha */
export const cisAwsEntityCard = EntityCardBlueprint.make({
  name: 'cis-aws',
  params: {
    filter: isCisAwsAvailable,
    loader: () =>
      import('../components/EntityCard').then(m => <m.EntityCisAwsCard />),
  },
});

/** The "CIS 2.4" tab on account, system and group pages. @alpha */
export const cisAwsEntityContent = EntityContentBlueprint.make({
  name: 'cis-aws',
  params: {
    path: '/cis-aws',
    title: 'CIS 2.4',
    filter: isCisAwsAvailable,
    loader: () =>
      import('../components/EntityContent').then(m => (
        <m.EntityCisAwsContent />
      )),
  },
});

/** The organization-wide scorecard at /cis-aws. @alpha */
export const cisAwsPage = PageBlueprint.make({
  params: {
    path: '/cis-aws',
    title: 'CIS AWS 2.4',
    routeRef: rootRouteRef,
    loader: () =>
      import('../components/OrganizationPage').then(m => <m.CisAwsPage />),
  },
});

/**
 * "My AWS accounts" as a page at /cis-aws/my-accounts: the CIS 2.4 status of the accounts the
 * signed-in user's groups own. The new frontend system's home page takes widgets from
 * `@backstage/plugin-home-react/alpha`'s HomePageWidgetBlueprint, which this package does not
 * depend on; the README shows the five lines that make the same card a home-page widget.
 * @alpha
 */
export const cisAwsMyAccountsPage = PageBlueprint.make({
  name: 'my-accounts',
  params: {
    path: '/cis-aws/my-accounts',
    title: 'My AWS accounts',
    loader: () =>
      import('../components/HomePage').then(m => <m.MyAccountsPage />),
  },
});

/** @alpha */
export default createFrontendPlugin({
  pluginId: 'cis-aws',
  title: 'CIS AWS 2.4',
  routes: { root: rootRouteRef },
  extensions: [
    cisAwsApi,
    cisAwsEntityCard,
    cisAwsEntityContent,
    cisAwsPage,
    cisAwsMyAccountsPage,
  ],
});
