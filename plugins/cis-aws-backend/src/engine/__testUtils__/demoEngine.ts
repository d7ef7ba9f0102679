import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AwsClientFactory } from '../../aws/clients';
import { readCisAwsOptions } from '../../config';
import { DatabaseEvaluationStore } from '../../storage/DatabaseEvaluationStore';
import { demoEntities } from '../../__testUtils__/demoCatalog';
import { EvaluationEngine } from '../EvaluationEngine';

/**
 * An engine as the plugin wires it, against the simulator at `simulatorUrl`: throwaway
 * main-account keys, the reader role `CisAwsReader`, Security Hub's administrator the demo
 * world's security-tooling account (GetFindings is called there with the same reader role name),
 * the demo catalog unless `entities` says otherwise.
 */
export function demoEngine(options: {
  simulatorUrl: string;
  store: DatabaseEvaluationStore;
  entities?: Entity[];
  /** `cisAws.detection` (default: the baseline, with TestMetricFilter). */
  detection?: {
    enabled?: boolean;
    checks?: string | string[];
    testMetricFilter?: boolean;
  };
}): EvaluationEngine {
  const config = new ConfigReader({
    aws: {
      mainAccount: {
        accessKeyId: 'AKIATESTMAINACCOUNT1',
        secretAccessKey: 'test-only',
      },
      accountDefaults: { roleName: 'CisAwsReader' },
    },
    cisAws: {
      aws: { endpoint: options.simulatorUrl, maxAttempts: 2 },
      securityHub: { administratorAccountId: '402233445566' },
      ...(options.detection ? { detection: options.detection } : {}),
    },
  });
  const cisAws = readCisAwsOptions(config);
  return EvaluationEngine.create({
    aws: AwsClientFactory.fromConfig(config, cisAws),
    store: options.store,
    catalog: catalogServiceMock({
      entities: options.entities ?? demoEntities(),
    }),
    auth: {
      getOwnServiceCredentials: async () => mockCredentials.service(),
    } as unknown as AuthService,
    logger: mockServices.logger.mock(),
    options: cisAws,
    exceptions: options.store,
    controls: options.store.controls(),
  });
}
