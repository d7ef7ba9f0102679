/*
 * The demo portal's backend, on the new backend system. It carries only what
 * this product uses: the catalog (where AWS accounts, systems and teams live),
 * auth with the guest provider, permissions with a real policy,
 * notifications and signals, and the app itself.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./modules/permissionPolicy'));

backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-user-settings-backend'));

// CIS AWS Foundations 2.4: evaluates every AWS account in the catalog.
backend.add(import('@cis-aws/plugin-cis-aws-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.start();
