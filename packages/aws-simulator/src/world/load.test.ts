import { DEMO_WORLD } from '../__testUtils__/harness';
import { createWorld } from './load';
import { WorldValidationError } from './reader';
import { resolveTime } from './time';

function validationError(input: string | object): WorldValidationError {
  try {
    createWorld(input);
  } catch (e) {
    if (e instanceof WorldValidationError) return e;
    throw new Error(`expected a WorldValidationError, got ${String(e)}`);
  }
  throw new Error('expected the world to be rejected');
}

const base = {
  accounts: [{ id: '111111111111' }],
};

describe('createWorld', () => {
  it('loads the demo world with the accounts of the demo catalog', () => {
    const world = createWorld(DEMO_WORLD);
    expect(world.accounts.map(a => a.id)).toEqual([
      '401122334455',
      '402233445566',
      '403344556677',
      '404455667788',
      '411122334455',
      '405566778899',
      '406677889900',
      '407788990011',
      '408899001122',
      '410011223344',
      '412244668800',
      '409900112233',
    ]);
    expect(world.organization).toEqual({
      id: 'o-acme12345',
      managementAccount: '401122334455',
    });
    expect(world.callerAccount).toBe('402233445566');
    expect(world.securityHub.administratorAccount).toBe('402233445566');
    const sandbox = world.accounts.find(a => a.name === 'analytics-sandbox')!;
    expect(sandbox.organizationMember).toBe(false);
    expect(world.accounts.find(a => a.name === 'analytics-dev')!.tags).toEqual({
      owner: 'group:default/data-team',
      system: 'system:default/analytics',
    });
    expect(
      world.accounts.find(a => a.name === 'growth-experiments')!.tags,
    ).toEqual({});
    expect(
      world.accounts.find(a => a.name === 'legacy-billing')!.assumable,
    ).toBe(false);
    expect(world.securityHubFindings).toHaveLength(10);
  });

  it('expands the trail shorthands logGroup and role into ARNs in the trail home region', () => {
    const world = createWorld(DEMO_WORLD);
    const storefront = world.accounts.find(a => a.name === 'storefront-prod')!
      .trails[0];
    expect(storefront.logGroupArn).toBe(
      'arn:aws:logs:eu-west-1:405566778899:log-group:aws-cloudtrail-logs-storefront:*',
    );
    expect(storefront.roleArn).toBe(
      'arn:aws:iam::405566778899:role/CloudTrail_CloudWatchLogs_Role',
    );
  });

  it('substitutes ${AccountId} in policy documents shared through YAML anchors', () => {
    const world = createWorld(DEMO_WORLD);
    const role = world.accounts.find(a => a.name === 'payments-prod')!.roles[0];
    expect(
      role.inlinePolicies.CloudTrailToCloudWatchLogs.Statement[0].Resource,
    ).toBe(
      'arn:aws:logs:us-east-1:403344556677:log-group:aws-cloudtrail-logs-payments-prod:log-stream:*',
    );
    expect(role.assumeRolePolicyDocument.Statement[0].Principal).toEqual({
      Service: 'cloudtrail.amazonaws.com',
    });
  });

  it('accepts unquoted 12-digit account ids (YAML numbers)', () => {
    const world = createWorld('accounts:\n  - id: 123456789012\n');
    expect(world.accounts[0].id).toBe('123456789012');
    expect(world.callerAccount).toBe('123456789012');
  });

  it('is a fixed point: a normalized world loads to itself', () => {
    const demo = createWorld(DEMO_WORLD);
    expect(createWorld(JSON.parse(JSON.stringify(demo)))).toEqual(demo);
    const small = createWorld({
      accounts: [{ id: '111111111111', trails: [{ name: 'plain-trail' }] }],
      securityHubFindings: [
        {
          account: '111111111111',
          trail: 'plain-trail',
          status: 'FAILED',
          controlId: null,
        },
      ],
    });
    expect(small.organization).toBeNull();
    expect(createWorld(JSON.parse(JSON.stringify(small)))).toEqual(small);
  });

  it('keeps relative times as written and resolves them at request time', () => {
    const world = createWorld(DEMO_WORLD);
    const staging = world.accounts.find(a => a.name === 'storefront-staging')!
      .trails[0];
    expect(staging.status.latestCloudWatchLogsDeliveryTime).toBe('-30h');
    const now = Date.parse('2024-06-01T12:00:00Z');
    expect(new Date(resolveTime('-30h', now)).toISOString()).toBe(
      '2024-05-31T06:00:00.000Z',
    );
    expect(resolveTime('-45m', now)).toBe(now - 45 * 60_000);
    expect(resolveTime('-2d', now)).toBe(now - 2 * 86_400_000);
    expect(resolveTime('-30s', now)).toBe(now - 30_000);
    expect(resolveTime('2024-01-01T00:00:00Z', now)).toBe(
      Date.parse('2024-01-01T00:00:00Z'),
    );
  });

  describe('rejects bad input with the path of the bad field', () => {
    it.each([
      [
        {
          accounts: [
            {
              id: '111111111111',
              trails: [{ name: 'ok-trail', homeRegion: 'mars-1' }],
            },
          ],
        },
        'accounts[0].trails[0].homeRegion',
      ],
      [
        {
          accounts: [
            {
              id: '111111111111',
              trails: [
                {
                  name: 'ok-trail',
                  status: { latestDeliveryTime: 'yesterday' },
                },
              ],
            },
          ],
        },
        'accounts[0].trails[0].status.latestDeliveryTime',
      ],
      [
        {
          accounts: [
            {
              id: '111111111111',
              trails: [{ name: 'ok-trail', logGrup: 'x' }],
            },
          ],
        },
        'accounts[0].trails[0].logGrup',
      ],
      [{ accounts: [{ id: '12345' }] }, 'accounts[0].id'],
      [
        { accounts: [{ id: '111111111111' }, { id: '111111111111' }] },
        'accounts[1].id',
      ],
      [{ ...base, callerAccount: '222222222222' }, 'callerAccount'],
      [
        {
          ...base,
          organization: {
            id: 'o-abcdefghij',
            managementAccount: '999999999999',
          },
        },
        'organization.managementAccount',
      ],
      [
        { ...base, behaviour: { listTrails: 'everything' } },
        'behaviour.listTrails',
      ],
      [
        {
          accounts: [
            {
              id: '111111111111',
              logGroups: [{ name: 'g', retentionInDays: 42 }],
            },
          ],
        },
        'accounts[0].logGroups[0].retentionInDays',
      ],
      [
        { accounts: [{ id: '111111111111', roles: [{ name: 'r' }] }] },
        'accounts[0].roles[0].trustedServices',
      ],
      [
        {
          accounts: [
            {
              id: '111111111111',
              roles: [
                {
                  name: 'r',
                  trustedServices: ['cloudtrail.amazonaws.com'],
                  inlinePolicies: {
                    p: { Statement: [{ Effect: 'Allow', Action: 's3:*' }] },
                  },
                },
              ],
            },
          ],
        },
        'accounts[0].roles[0].inlinePolicies.p.Statement[0].Resource',
      ],
      [
        {
          accounts: [
            {
              id: '111111111111',
              roles: [
                {
                  name: 'r',
                  trustedServices: ['cloudtrail.amazonaws.com'],
                  attachedPolicies: ['NoSuchPolicy'],
                },
              ],
            },
          ],
        },
        'accounts[0].roles[0].attachedPolicies[0]',
      ],
      [
        {
          ...base,
          securityHubFindings: [
            { account: '111111111111', trail: 'missing', status: 'PASSED' },
          ],
        },
        'securityHubFindings[0].trail',
      ],
      [
        {
          ...base,
          securityHubFindings: [
            {
              account: '111111111111',
              trail: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/t',
              status: 'GREEN',
            },
          ],
        },
        'securityHubFindings[0].status',
      ],
      [
        { ...base, rateLimits: { services: { cloudtrail: { burst: 0 } } } },
        'rateLimits.services.cloudtrail.burst',
      ],
      [
        { accounts: [{ id: '111111111111', optInRegions: ['ap-east-1'] }] },
        'accounts[0].optInRegions[0]',
      ],
      [
        {
          accounts: [
            {
              id: '111111111111',
              trails: [{ name: 'org', organization: true }],
            },
          ],
        },
        'accounts[0].trails[0].organization',
      ],
    ])('%j → %s', (input, path) => {
      const error = validationError(input);
      expect(error.path).toBe(path);
      expect(error.message.startsWith(`${path}: `)).toBe(true);
    });
  });

  it('never crashes on input that is not a world', () => {
    for (const input of [
      '',
      'just a string',
      '[1, 2]',
      '{unclosed',
      'accounts: 5',
      'accounts: [null]',
      'accounts: [[]]',
    ]) {
      expect(validationError(input)).toBeInstanceOf(WorldValidationError);
    }
    expect(validationError('{unclosed').message).toMatch(/not valid YAML/);
    expect(validationError('accounts: [null]').path).toBe('accounts[0]');
  });
});
