import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import cisAwsPlugin from '@cis-aws/plugin-cis-aws/alpha';

export default createApp({
  features: [
    catalogPlugin,
    // CIS AWS 2.4: the entity card and tab, the /cis-aws page, the API
    cisAwsPlugin,
  ],
});
