/*
 * The demo portal's backend, on the new backend system. It carries only what
 * this product uses: the catalog (where AWS accounts, systems and teams live),
 * auth (the guest provider for the demo, an authenticating reverse proxy in
 * production), permissions with a real policy,
 * notifications and signals, and the app itself.
 */
import { createBackend } from '@backstage/backend-defaults';
import { startOrExit } from './startOrExit';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
// The demo's guest sign-in: configured by app-config.yaml, refused by the
// provider itself whenever NODE_ENV is not `development`.
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// Production sign-in (app-config.production.yaml): oauth2-proxy in front of
// the backend authenticates people and forwards their identity in headers;
// the sign-in resolver maps it to a catalog User. Inactive unless
// auth.providers.oauth2Proxy is configured.
backend.add(
  import('@backstage/plugin-auth-backend-module-oauth2-proxy-provider'),
);

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// The AWS Organization's accounts as cloud-account Resources, owners from their tags.
backend.add(import('@cis-aws/plugin-catalog-backend-module-aws-organizations'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./modules/permissionPolicy'));

backend.add(import('@backstage/plugin-events-backend'));
// CloudTrail events (StopLogging, DeleteLogGroup, …) from an SQS queue fed by an EventBridge
// rule, published on the events topic cis-aws re-evaluates accounts from (docs/events.md). In
// the demo the queue is the simulator's. Configured by events.modules.awsSqs in app-config.yaml.
backend.add(import('@backstage/plugin-events-backend-module-aws-sqs'));
backend.add(import('@backstage/plugin-user-settings-backend'));

// CIS AWS Foundations 2.4: evaluates every AWS account in the catalog.
backend.add(import('@cis-aws/plugin-cis-aws-backend'));
// Tech Insights: CIS AWS facts (2.4 and detection) per account, system and team
// (techInsights.factRetrievers.cisAwsFactRetriever), checked by the
// json-rules-engine checks of techInsights.factChecker.checks.
backend.add(import('@backstage-community/plugin-tech-insights-backend'));
backend.add(
  import('@backstage-community/plugin-tech-insights-backend-module-jsonfc'),
);
backend.add(import('@cis-aws/plugin-tech-insights-backend-module-cis-aws'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// A plugin whose start-up fails (e.g. cis-aws refusing a wrong cisAws.* value, naming the key)
// makes start() reject: write the error, stop what started, exit 1 (see startOrExit).
startOrExit(backend);
