import {
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  catalogEntityDeletePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';

/**
 * The portal's permission policy.
 *
 * Everyone signed in may read the catalog. Changing what the catalog contains
 * (registering or deleting locations and entities) and the privileged actions
 * of plugins (any permission whose name is listed in `privilegedPermissions`,
 * e.g. running an evaluation or approving an exception) are reserved to the
 * members of `permission.policy.adminGroups`.
 */
export class PortalPermissionPolicy implements PermissionPolicy {
  private constructor(
    private readonly userInfo: UserInfoService,
    private readonly adminGroups: ReadonlySet<string>,
    private readonly privilegedPermissions: ReadonlySet<string>,
  ) {}

  static fromConfig(config: Config, options: { userInfo: UserInfoService }) {
    const policyConfig = config.getOptionalConfig('permission.policy');
    const adminGroups =
      policyConfig?.getOptionalStringArray('adminGroups') ?? [];
    const privileged =
      policyConfig?.getOptionalStringArray('privilegedPermissions') ?? [];
    return new PortalPermissionPolicy(
      options.userInfo,
      new Set(adminGroups.map(ref => ref.toLocaleLowerCase('en-US'))),
      new Set(privileged),
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!this.isPrivileged(request)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (user && (await this.isAdmin(user))) {
      return { result: AuthorizeResult.ALLOW };
    }
    return { result: AuthorizeResult.DENY };
  }

  private isPrivileged({ permission }: PolicyQuery): boolean {
    return (
      isPermission(permission, catalogLocationCreatePermission) ||
      isPermission(permission, catalogLocationDeletePermission) ||
      isPermission(permission, catalogEntityDeletePermission) ||
      this.privilegedPermissions.has(permission.name)
    );
  }

  private async isAdmin(user: PolicyQueryUser): Promise<boolean> {
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      user.credentials,
    );
    return ownershipEntityRefs.some(ref =>
      this.adminGroups.has(ref.toLocaleLowerCase('en-US')),
    );
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'portal-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
        policy: policyExtensionPoint,
      },
      async init({ config, userInfo, policy }) {
        policy.setPolicy(
          PortalPermissionPolicy.fromConfig(config, { userInfo }),
        );
      },
    });
  },
});
