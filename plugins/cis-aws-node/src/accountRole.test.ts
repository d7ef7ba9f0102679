import { ConfigReader } from '@backstage/config';
import { readAccountRole } from './accountRole';

describe('readAccountRole', () => {
  it('is undefined when no role is configured', () => {
    expect(readAccountRole(new ConfigReader({}), '111111111111')).toBe(
      undefined,
    );
    expect(
      readAccountRole(
        new ConfigReader({ aws: { accountDefaults: { region: 'eu-west-1' } } }),
        '111111111111',
      ),
    ).toBe(undefined);
  });

  it('takes the role of aws.accountDefaults, in us-east-1 and the aws partition unless told', () => {
    const config = new ConfigReader({
      aws: { accountDefaults: { roleName: 'CisAwsReader', externalId: 'x' } },
    });
    expect(readAccountRole(config, '111111111111')).toEqual({
      roleArn: 'arn:aws:iam::111111111111:role/CisAwsReader',
      externalId: 'x',
      stsRegion: 'us-east-1',
    });
  });

  it("prefers the account's own aws.accounts[] entry, setting by setting", () => {
    const config = new ConfigReader({
      aws: {
        accountDefaults: {
          roleName: 'CisAwsReader',
          externalId: 'default-id',
          region: 'eu-west-1',
        },
        accounts: [
          {
            accountId: '222222222222',
            roleName: 'GovReader',
            partition: 'aws-us-gov',
            region: 'us-gov-west-1',
          },
        ],
      },
    });
    expect(readAccountRole(config, '222222222222')).toEqual({
      roleArn: 'arn:aws-us-gov:iam::222222222222:role/GovReader',
      externalId: 'default-id',
      stsRegion: 'us-gov-west-1',
    });
    expect(readAccountRole(config, '333333333333')?.stsRegion).toBe(
      'eu-west-1',
    );
  });
});
