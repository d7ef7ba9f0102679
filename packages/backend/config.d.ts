export interface Config {
  permission?: {
    /** The demo portal's permission policy (src/modules/permissionPolicy.ts). */
    policy?: {
      /**
       * Groups whose members may change the catalog and run privileged
       * plugin actions, as entity refs, e.g. `group:default/security-team`.
       */
      adminGroups?: string[];
      /**
       * Names of plugin permissions reserved to the admin groups, e.g.
       * `cis-aws.account.evaluate`.
       */
      privilegedPermissions?: string[];
    };
  };
}
