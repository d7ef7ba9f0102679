import { ConfigReader } from '@backstage/config';
import { readProviderConfig } from './config';

type ConfigData = ConstructorParameters<typeof ConfigReader>[0];

const read = (provider: object, rest: object = {}) =>
  readProviderConfig(
    new ConfigReader({
      ...rest,
      catalog: { providers: { awsOrganizations: provider } },
    } as ConfigData),
  );

describe('readProviderConfig', () => {
  it('is undefined when the provider is not configured', () => {
    expect(readProviderConfig(new ConfigReader({}))).toBeUndefined();
  });

  it('fills in the defaults', () => {
    expect(read({ managementAccountId: '401122334455' })).toEqual({
      managementAccountId: '401122334455',
      region: 'us-east-1',
      endpoint: undefined,
      tags: { owner: 'owner', system: 'system' },
      namespace: 'default',
      includeSuspended: false,
      unownedOwner: 'group:default/unowned-aws-accounts',
      schedule: { frequency: { minutes: 30 }, timeout: { minutes: 10 } },
    });
  });

  it('reads every setting', () => {
    expect(
      read({
        managementAccountId: '401122334455',
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:4580',
        tags: { owner: 'Team', system: 'App' },
        namespace: 'acme',
        includeSuspended: true,
        unownedOwner: 'nobody',
        schedule: { frequency: { minutes: 1 }, timeout: { seconds: 50 } },
      }),
    ).toEqual({
      managementAccountId: '401122334455',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4580',
      tags: { owner: 'Team', system: 'App' },
      namespace: 'acme',
      includeSuspended: true,
      unownedOwner: 'group:acme/nobody',
      schedule: { frequency: { minutes: 1 }, timeout: { seconds: 50 } },
    });
  });

  it('reads an empty endpoint as the AWS endpoints, undoing a lower layer’s', () => {
    expect(
      read(
        { managementAccountId: '401122334455', endpoint: '' },
        { cisAws: { aws: { endpoint: 'http://127.0.0.1:4580' } } },
      )?.endpoint,
    ).toBeUndefined();
    expect(
      read(
        { managementAccountId: '401122334455' },
        { cisAws: { aws: { endpoint: '' } } },
      )?.endpoint,
    ).toBeUndefined();
  });

  it('takes the endpoint of cisAws.aws.endpoint when it has none of its own', () => {
    expect(
      read(
        { managementAccountId: '401122334455' },
        { cisAws: { aws: { endpoint: 'http://127.0.0.1:4580' } } },
      )?.endpoint,
    ).toBe('http://127.0.0.1:4580');
    expect(
      read(
        {
          managementAccountId: '401122334455',
          endpoint: 'https://organizations.example',
        },
        { cisAws: { aws: { endpoint: 'http://127.0.0.1:4580' } } },
      )?.endpoint,
    ).toBe('https://organizations.example');
  });

  it.each([
    [{}, 'catalog.providers.awsOrganizations.managementAccountId: is required'],
    [
      { managementAccountId: '4011-2233-4455' },
      'managementAccountId: expected a 12-digit AWS account id, got "4011-2233-4455"',
    ],
    [
      { managementAccountId: 401122334455 },
      "managementAccountId: write the account id in quotes ('401122334455')",
    ],
    [
      { managementAccountId: '401122334455', region: 'moon' },
      'region: "moon" is not an AWS region name',
    ],
    [
      { managementAccountId: '401122334455', endpoint: 'localhost:4580' },
      'endpoint: "localhost:4580" is not an http or https URL',
    ],
    [
      { managementAccountId: '401122334455', namespace: 'Not OK' },
      'namespace: "Not OK" is not a valid catalog namespace',
    ],
    [
      { managementAccountId: '401122334455', unownedOwner: 'system:x' },
      'unownedOwner: "system:x" is not a group or user reference',
    ],
    [
      { managementAccountId: '401122334455', tags: { owner: '  ' } },
      'tags.owner: expected an AWS tag key of 1 to 128 characters',
    ],
    [
      { managementAccountId: '401122334455', tags: { system: 'owner' } },
      'tags: the owner and the system tag must differ (both are "owner")',
    ],
    [
      { managementAccountId: '401122334455', includeSuspended: 'maybe' },
      'catalog.providers.awsOrganizations.includeSuspended',
    ],
    [
      { managementAccountId: '401122334455', schedule: { frequency: 'soon' } },
      'catalog.providers.awsOrganizations.schedule',
    ],
  ])('refuses %j with a message naming the key', (provider, message) => {
    expect(() => read(provider)).toThrow(message);
  });

  it('names cisAws.aws.endpoint when the endpoint it gives is wrong', () => {
    expect(() =>
      read(
        { managementAccountId: '401122334455' },
        { cisAws: { aws: { endpoint: 'not a url' } } },
      ),
    ).toThrow(
      'catalog.providers.awsOrganizations.endpoint (from cisAws.aws.endpoint): "not a url" is not an http or https URL',
    );
  });
});
