import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  ACCOUNT_STATUS_ANNOTATION,
  AWS_ACCOUNT_ID_ANNOTATION,
  OWNER_MISSING_ANNOTATION,
} from '@cis-aws/plugin-cis-aws-common';
import { accountEntityNames } from './entityNames';
import { OWNER_REF_RULES, parseTagRef, SYSTEM_REF_RULES } from './tagRefs';

/** One account of the organization, as read from AWS Organizations. */
export interface OrganizationAccount {
  id: string;
  name?: string;
  /** `State` (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED, …), else the older `Status`. */
  status: string;
  tags: Record<string, string>;
}

/** What every entity of one refresh shares. */
export interface AccountEntityContext {
  organizationId: string;
  namespace: string;
  ownerTag: string;
  systemTag: string;
  /** A full ref: the `spec.owner` of accounts without a usable owner tag. */
  unownedOwner: string;
}

export interface AccountEntities {
  entities: Entity[];
  /** One line per account and tag whose value could not be used. */
  warnings: string[];
  /** Account ids emitted without a usable owner. */
  unowned: string[];
}

/** Only an ACTIVE account has anything to evaluate; the others are not emitted by default. */
export function isActiveAccount(account: { status: string }): boolean {
  return account.status === 'ACTIVE';
}

/** `aws-organizations:<organization id>`: where the catalog says these entities come from. */
export function organizationLocation(organizationId: string): string {
  return `aws-organizations:${organizationId}`;
}

function label(account: OrganizationAccount): string {
  return account.name ? `${account.id} (${account.name})` : account.id;
}

/** The tag's value as a ref, or undefined (and a warning) when absent or unusable. */
function tagRef(
  account: OrganizationAccount,
  tagKey: string,
  rules: ReturnType<typeof OWNER_REF_RULES>,
  warnings: string[],
): string | undefined {
  const value = account.tags[tagKey];
  if (value === undefined) return undefined;
  const parsed = parseTagRef(value, rules);
  if (parsed.ok) return parsed.ref;
  warnings.push(
    `AWS account ${label(
      account,
    )}: tag "${tagKey}" = "${value}" is not a valid ${
      rules.defaultKind
    } reference (${parsed.reason}); it is treated as missing`,
  );
  return undefined;
}

function description(
  account: OrganizationAccount,
  ctx: AccountEntityContext,
  owned: boolean,
): string {
  const parts = [
    `AWS account ${account.id} of organization ${ctx.organizationId}, from AWS Organizations.`,
  ];
  if (!owned) {
    parts.push(
      `It has no valid "${ctx.ownerTag}" tag: nobody owns it, so its findings cannot be routed to a team.`,
    );
  }
  if (!isActiveAccount(account)) {
    parts.push(`Its state is ${account.status}: it is not evaluated.`);
  }
  return parts.join(' ');
}

/**
 * The catalog entities for the organization's accounts: one `kind: Resource`,
 * `spec.type: cloud-account` per account, owner and system from its tags.
 *
 * An account without a usable owner tag is emitted all the same — an account
 * nobody owns is exactly what the organization has to see — with the
 * placeholder owner (a Resource must have one) and
 * `cis-aws.io/owner-missing: 'true'`, so that nobody mistakes the placeholder
 * for a team. Pure: the caller decides which accounts to pass (e.g. only the
 * active ones) and logs the warnings.
 */
export function accountEntities(
  accounts: readonly OrganizationAccount[],
  ctx: AccountEntityContext,
): AccountEntities {
  const names = accountEntityNames(accounts);
  const location = organizationLocation(ctx.organizationId);
  const warnings: string[] = [];
  const unowned: string[] = [];
  const entities = accounts.map((account): Entity => {
    const owner = tagRef(
      account,
      ctx.ownerTag,
      OWNER_REF_RULES(ctx.namespace),
      warnings,
    );
    const system = tagRef(
      account,
      ctx.systemTag,
      SYSTEM_REF_RULES(ctx.namespace),
      warnings,
    );
    if (!owner) unowned.push(account.id);
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: names.get(account.id)!,
        namespace: ctx.namespace,
        title: account.name ? `${account.name} (${account.id})` : account.id,
        description: description(account, ctx, owner !== undefined),
        annotations: {
          [AWS_ACCOUNT_ID_ANNOTATION]: account.id,
          [ANNOTATION_LOCATION]: location,
          [ANNOTATION_ORIGIN_LOCATION]: location,
          [ACCOUNT_STATUS_ANNOTATION]: account.status,
          ...(owner ? {} : { [OWNER_MISSING_ANNOTATION]: 'true' }),
        },
      },
      spec: {
        type: 'cloud-account',
        owner: owner ?? ctx.unownedOwner,
        ...(system ? { system } : {}),
      },
    };
  });
  return { entities, warnings, unowned };
}
