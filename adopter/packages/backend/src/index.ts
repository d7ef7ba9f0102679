/*
 * The backend of an adopter's Backstage app, as `@backstage/create-app` makes
 * it (new backend system), cut down to what the CIS AWS 2.4 plugins need and
 * wired exactly as their READMEs say.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/auth/guest/provider
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
// AWS accounts of the AWS Organization as cloud-account Resources
backend.add(import('@cis-aws/plugin-catalog-backend-module-aws-organizations'));

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

// CIS AWS Foundations 2.4
backend.add(import('@cis-aws/plugin-cis-aws-backend'));

// Tech Insights, with CIS AWS 2.4 facts and checks
backend.add(import('@backstage-community/plugin-tech-insights-backend'));
backend.add(
  import('@backstage-community/plugin-tech-insights-backend-module-jsonfc'),
);
backend.add(import('@cis-aws/plugin-tech-insights-backend-module-cis-aws'));

backend.start();
