import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
  catalogEntityReadPermission,
  catalogLocationCreatePermission,
} from '@backstage/plugin-catalog-common/alpha';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { PortalPermissionPolicy } from './permissionPolicy';

const evaluatePermission = createPermission({
  name: 'cis-aws.account.evaluate',
  attributes: { action: 'update' },
});

function policyFor(ownershipEntityRefs: string[]) {
  const config = new ConfigReader({
    permission: {
      policy: {
        adminGroups: ['group:default/security-team'],
        privilegedPermissions: ['cis-aws.account.evaluate'],
      },
    },
  });
  return PortalPermissionPolicy.fromConfig(config, {
    userInfo: mockServices.userInfo({
      userEntityRef: 'user:default/someone',
      ownershipEntityRefs,
    }),
  });
}

// The policy asks the userInfo service for group membership; `info` is the
// deprecated field the permission framework still requires.
const user: PolicyQueryUser = {
  credentials: mockCredentials.user('user:default/someone'),
  info: { userEntityRef: 'user:default/someone', ownershipEntityRefs: [] },
};

describe('PortalPermissionPolicy', () => {
  it('lets every signed-in user read the catalog', async () => {
    const decision = await policyFor([]).handle(
      { permission: catalogEntityReadPermission },
      user,
    );
    expect(decision.result).toBe(AuthorizeResult.ALLOW);
  });

  it('reserves registering catalog locations to the admin groups', async () => {
    const outsider = await policyFor(['group:default/payments-team']).handle(
      { permission: catalogLocationCreatePermission },
      user,
    );
    const admin = await policyFor(['group:default/security-team']).handle(
      { permission: catalogLocationCreatePermission },
      user,
    );
    expect(outsider.result).toBe(AuthorizeResult.DENY);
    expect(admin.result).toBe(AuthorizeResult.ALLOW);
  });

  it('reserves configured plugin permissions to the admin groups', async () => {
    const outsider = await policyFor(['group:default/payments-team']).handle(
      { permission: evaluatePermission },
      user,
    );
    const admin = await policyFor(['Group:Default/Security-Team']).handle(
      { permission: evaluatePermission },
      user,
    );
    expect(outsider.result).toBe(AuthorizeResult.DENY);
    expect(admin.result).toBe(AuthorizeResult.ALLOW);
  });

  it('denies a privileged permission when no user is making the request', async () => {
    const decision = await policyFor(['group:default/security-team']).handle({
      permission: evaluatePermission,
    });
    expect(decision.result).toBe(AuthorizeResult.DENY);
  });
});
