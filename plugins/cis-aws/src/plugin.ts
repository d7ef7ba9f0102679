import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { cisAwsApiRef } from './api/CisAwsApi';
import { CisAwsClient } from './api/CisAwsClient';
import { rootRouteRef } from './routes';

/** The CIS AWS 2.4 frontend plugin (legacy frontend system). */
export const cisAwsPlugin = createPlugin({
  id: 'cis-aws',
  apis: [
    createApiFactory({
      api: cisAwsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new CisAwsClient(deps),
    }),
  ],
  routes: { root: rootRouteRef },
});

/** The "CIS 2.4" card for account, system and group pages. */
export const EntityCisAwsCard = cisAwsPlugin.provide(
  createComponentExtension({
    name: 'EntityCisAwsCard',
    component: {
      lazy: () =>
        import('./components/EntityCard').then(m => m.EntityCisAwsCard),
    },
  }),
);

/** The "CIS 2.4" tab content: every trail's chain, evidence and remediation. */
export const EntityCisAwsContent = cisAwsPlugin.provide(
  createComponentExtension({
    name: 'EntityCisAwsContent',
    component: {
      lazy: () =>
        import('./components/EntityContent').then(m => m.EntityCisAwsContent),
    },
  }),
);

/** The organization-wide scorecard page. */
export const CisAwsPage = cisAwsPlugin.provide(
  createRoutableExtension({
    name: 'CisAwsPage',
    component: () =>
      import('./components/OrganizationPage').then(m => m.CisAwsPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * "My AWS accounts": a home-page card with the CIS 2.4 status of the accounts the signed-in
 * user's groups own. Put it on any home page (a Grid item; with `@backstage/plugin-home`, in
 * the home page's grid like its other cards).
 */
export const HomePageCisAwsMyAccountsCard = cisAwsPlugin.provide(
  createComponentExtension({
    name: 'HomePageCisAwsMyAccountsCard',
    component: {
      lazy: () =>
        import('./components/HomePage').then(
          m => m.HomePageCisAwsMyAccountsCard,
        ),
    },
  }),
);

/** The card's content alone (no card frame), for a home page that draws its own frames. */
export const CisAwsMyAccountsList = cisAwsPlugin.provide(
  createComponentExtension({
    name: 'CisAwsMyAccountsList',
    component: {
      lazy: () =>
        import('./components/HomePage').then(m => m.CisAwsMyAccountsList),
    },
  }),
);
