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

  it('reports every problem at once, each naming its full key', () => {
    let error: unknown;
    try {
      read({
        managementAccountId: '12345',
        region: 'moon',
        endpoint: 'not a url',
        tags: { owner: 'system' },
        includeSuspended: 'maybe',
        schedule: { frequency: 'PT1H-5M', timeout: { minutes: -10 } },
        refreshEvery: 'PT1M',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'AwsOrganizationsConfigError' });
    const { message, problems } = error as {
      message: string;
      problems: string[];
    };
    expect(message).toMatch(
      /^Invalid catalog\.providers\.awsOrganizations configuration \(8 problems\):\n/,
    );
    const K = 'catalog.providers.awsOrganizations';
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${K}\\.refreshEvery: is not a setting of the AWS Organizations provider`,
        ),
      ),
      `${K}.managementAccountId: expected a 12-digit AWS account id, got "12345"`,
      `${K}.region: "moon" is not an AWS region name (like us-east-1)`,
      `${K}.tags: the owner and the system tag must differ (both are "system")`,
      `${K}.endpoint: "not a url" is not an http or https URL`,
      expect.stringMatching(new RegExp(`^${K}\\.includeSuspended: `)),
      `${K}.schedule.frequency: must not be negative, got minutes: -5`,
      `${K}.schedule.timeout: must not be negative, got minutes: -10`,
    ]);
    for (const line of problems) expect(message).toContain(line);
  });

  it.each([
    [
      { frequency: { minutes: -30 }, timeout: { minutes: 10 } },
      'schedule.frequency: must not be negative',
    ],
    [{ frequency: { minutes: 30 } }, 'schedule.timeout: is required'],
    [
      { frequency: { minutes: 30 }, timeout: 'P0D' },
      'schedule.timeout: must be longer than zero',
    ],
    [
      { frequency: { cron: '0 0 * *' }, timeout: 'PT1M' },
      'schedule.frequency.cron: "0 0 * *" is not a cron expression',
    ],
    [
      { frequency: 'PT30M', timeout: 'PT1M', every: 'PT1M' },
      'schedule.every: is not a setting under schedule',
    ],
  ])('refuses the schedule %j', (schedule, message) => {
    expect(() =>
      read({ managementAccountId: '401122334455', schedule }),
    ).toThrow(`catalog.providers.awsOrganizations.${message}`);
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
