import { ConfigReader } from '@backstage/config';
import { AwsClientFactory, AwsClientOptions } from '../clients';

/**
 * The AWS clients a test uses against the simulator: the standard `aws.*` config with
 * throwaway main-account keys (the simulator never checks signatures) and the reader role
 * `CisAwsReader`, every client pointed at the simulator, one attempt per call so that a fault
 * the test injects is seen at once.
 */
export function simulatedAwsClients(
  simulatorUrl: string,
  options: Partial<AwsClientOptions> = {},
): AwsClientFactory {
  return AwsClientFactory.fromConfig(
    new ConfigReader({
      aws: {
        mainAccount: {
          accessKeyId: 'AKIATESTMAINACCOUNT0',
          secretAccessKey: 'test-only',
        },
        accountDefaults: { roleName: 'CisAwsReader' },
      },
    }),
    {
      endpoint: simulatorUrl,
      defaultRegion: 'us-east-1',
      maxAttempts: 1,
      requestTimeoutMs: 10_000,
      ...options,
    },
  );
}
