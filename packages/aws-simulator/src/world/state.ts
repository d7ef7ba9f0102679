import { managedPolicyArn } from './iamEntities';
import {
  AccountSpec,
  AlarmSpec,
  FindingSpec,
  LogGroupSpec,
  ManagedPolicySpec,
  RoleSpec,
  SnsTopicSpec,
  TrailSpec,
  WorldSpec,
} from './schema';
import { trailArn } from './trails';

/** A trail as some account sees it: the trail, its owner and its ARN. */
export interface TrailView {
  trail: TrailSpec;
  owner: string;
  arn: string;
}

/** Per-account indexes, rebuilt only when that account changes. */
export interface AccountIndex {
  spec: AccountSpec;
  enabledRegions: Set<string>;
  ownTrails: TrailView[];
  rolesByName: Map<string, RoleSpec>;
  managedPolicies: Map<string, ManagedPolicySpec>;
  /** Log groups by region, sorted by name (the order DescribeLogGroups returns). */
  logGroupsByRegion: Map<string, LogGroupSpec[]>;
  logGroupsByKey: Map<string, LogGroupSpec>;
}

const logGroupKey = (region: string, name: string) => `${region}\n${name}`;

/**
 * The live world: the normalized spec plus indexes keyed by account, so that
 * every request costs work proportional to one account, never to the world.
 * Mutations (admin drift) change the spec and re-index the touched account.
 */
export class WorldState {
  private current!: WorldSpec;
  private readonly accountIndex = new Map<string, AccountIndex>();
  private orgTrails: TrailView[] = [];
  private orgMemberIds: string[] = [];
  private findingsByAccount = new Map<string, FindingSpec[]>();
  private awsManagedPolicies = new Map<string, ManagedPolicySpec>();
  /** Bumped on every change; lets callers cache derived data. */
  version = 0;

  constructor(spec: WorldSpec) {
    this.replace(spec);
  }

  get spec(): WorldSpec {
    return this.current;
  }

  replace(spec: WorldSpec): void {
    this.current = spec;
    this.accountIndex.clear();
    for (const account of spec.accounts)
      this.accountIndex.set(account.id, this.buildIndex(account));
    this.awsManagedPolicies = new Map(
      spec.awsManagedPolicies.map(p => [
        managedPolicyArn(spec.partition, 'aws', p.name, p.path),
        p,
      ]),
    );
    this.rebuildOrganization();
    this.rebuildFindings();
  }

  private buildIndex(spec: AccountSpec): AccountIndex {
    const partition = this.current.partition;
    const logGroupsByRegion = new Map<string, LogGroupSpec[]>();
    const logGroupsByKey = new Map<string, LogGroupSpec>();
    for (const group of spec.logGroups) {
      const list = logGroupsByRegion.get(group.region) ?? [];
      list.push(group);
      logGroupsByRegion.set(group.region, list);
      logGroupsByKey.set(logGroupKey(group.region, group.name), group);
    }
    const byName = (a: LogGroupSpec, b: LogGroupSpec) => {
      if (a.name === b.name) return 0;
      return a.name < b.name ? -1 : 1;
    };
    for (const list of logGroupsByRegion.values()) list.sort(byName);
    return {
      spec,
      enabledRegions: new Set([...this.current.regions, ...spec.optInRegions]),
      ownTrails: spec.trails.map(trail => ({
        trail,
        owner: spec.id,
        arn: trailArn(partition, trail.homeRegion, spec.id, trail.name),
      })),
      rolesByName: new Map(spec.roles.map(r => [r.name.toLowerCase(), r])),
      managedPolicies: new Map(
        spec.managedPolicies.map(p => [
          managedPolicyArn(partition, spec.id, p.name, p.path),
          p,
        ]),
      ),
      logGroupsByRegion,
      logGroupsByKey,
    };
  }

  private rebuildOrganization(): void {
    const org = this.current.organization;
    const mgmt = org ? this.accountIndex.get(org.managementAccount) : undefined;
    this.orgTrails = mgmt
      ? mgmt.ownTrails.filter(v => v.trail.organization)
      : [];
    this.orgMemberIds = org
      ? this.current.accounts.filter(a => a.organizationMember).map(a => a.id)
      : [];
  }

  rebuildFindings(): void {
    this.findingsByAccount = new Map();
    for (const f of this.current.securityHubFindings) {
      const list = this.findingsByAccount.get(f.account) ?? [];
      list.push(f);
      this.findingsByAccount.set(f.account, list);
    }
    this.version++;
  }

  /** Re-index one account after its spec changed (or was added / removed). */
  reindexAccount(id: string): void {
    const spec = this.current.accounts.find(a => a.id === id);
    if (spec) this.accountIndex.set(id, this.buildIndex(spec));
    else this.accountIndex.delete(id);
    this.rebuildOrganization();
    this.version++;
  }

  // ---- queries -----------------------------------------------------------

  account(id: string): AccountIndex | undefined {
    return this.accountIndex.get(id);
  }

  accountCount(): number {
    return this.accountIndex.size;
  }

  isRegionEnabled(accountId: string, region: string): boolean {
    return (
      this.accountIndex.get(accountId)?.enabledRegions.has(region) ?? false
    );
  }

  organizationMembers(): string[] {
    return this.orgMemberIds;
  }

  isOrganizationMember(accountId: string): boolean {
    return (
      this.current.organization !== null &&
      (this.accountIndex.get(accountId)?.spec.organizationMember ?? false)
    );
  }

  /** Own trails plus, for member accounts, the management account's organization trails. */
  visibleTrails(accountId: string): TrailView[] {
    const own = this.accountIndex.get(accountId)?.ownTrails ?? [];
    const org = this.current.organization;
    if (
      !org ||
      accountId === org.managementAccount ||
      !this.isOrganizationMember(accountId)
    )
      return own;
    return own.length === 0 ? this.orgTrails : [...own, ...this.orgTrails];
  }

  /** Trails homed in `region`, plus multi-region trails homed elsewhere (shadows) when asked. */
  trailsInRegion(
    accountId: string,
    region: string,
    includeShadows: boolean,
  ): TrailView[] {
    return this.visibleTrails(accountId).filter(
      v =>
        v.trail.homeRegion === region ||
        (includeShadows && v.trail.multiRegion),
    );
  }

  /**
   * Finds a trail by ARN (any region) or by name (among trails visible in
   * `region`, shadows included). Undefined when not visible to the account.
   */
  findTrail(
    accountId: string,
    region: string,
    nameOrArn: string,
  ): TrailView | undefined {
    if (nameOrArn.startsWith('arn:'))
      return this.visibleTrails(accountId).find(v => v.arn === nameOrArn);
    return this.trailsInRegion(accountId, region, true).find(
      v => v.trail.name === nameOrArn,
    );
  }

  logGroupsIn(accountId: string, region: string): LogGroupSpec[] {
    return (
      this.accountIndex.get(accountId)?.logGroupsByRegion.get(region) ?? []
    );
  }

  logGroup(
    accountId: string,
    region: string,
    name: string,
  ): LogGroupSpec | undefined {
    return this.accountIndex
      .get(accountId)
      ?.logGroupsByKey.get(logGroupKey(region, name));
  }

  /** The CloudWatch alarms of an account in one region, in name order. */
  alarmsIn(accountId: string, region: string): AlarmSpec[] {
    return (this.accountIndex.get(accountId)?.spec.alarms ?? [])
      .filter(a => a.region === region)
      .sort((a, b) => a.name.localeCompare(b.name, 'en'));
  }

  snsTopic(
    accountId: string,
    region: string,
    name: string,
  ): SnsTopicSpec | undefined {
    return this.accountIndex
      .get(accountId)
      ?.spec.snsTopics.find(t => t.region === region && t.name === name);
  }

  role(accountId: string, name: string): RoleSpec | undefined {
    return this.accountIndex
      .get(accountId)
      ?.rolesByName.get(name.toLowerCase());
  }

  /** A customer managed policy of `accountId`, or an AWS managed policy. */
  managedPolicy(accountId: string, arn: string): ManagedPolicySpec | undefined {
    return (
      this.awsManagedPolicies.get(arn) ??
      this.accountIndex.get(accountId)?.managedPolicies.get(arn)
    );
  }

  findingsOf(accountId: string): FindingSpec[] {
    return this.findingsByAccount.get(accountId) ?? [];
  }

  allFindings(): FindingSpec[] {
    return this.current.securityHubFindings;
  }
}
