import { createRouteRef } from '@backstage/core-plugin-api';

/** The organization-wide CIS 2.4 page (`/cis-aws` in the demo app). */
export const rootRouteRef = createRouteRef({ id: 'cis-aws' });
