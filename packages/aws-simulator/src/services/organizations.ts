import { AwsError } from '../protocols/errors';
import {
  JsonInput,
  decodeToken,
  encodeToken,
  isOffsetCursor,
} from '../protocols/json';
import { AccountSpec } from '../world/schema';
import { resolveDate } from '../world/time';
import { JsonService, RequestContext, page } from './types';

/**
 * Organizations (global, JSON 1.1). Any member may DescribeOrganization; only
 * the management account may list accounts and read their tags. Accounts
 * outside the organization get AWSOrganizationsNotInUseException.
 */

const invalid = (message: string) =>
  new AwsError('InvalidInputException', message, 400);

function organizationOf(ctx: RequestContext): {
  id: string;
  managementAccount: string;
} {
  const org = ctx.state.spec.organization;
  if (!org || !ctx.state.isOrganizationMember(ctx.caller.accountId)) {
    throw new AwsError(
      'AWSOrganizationsNotInUseException',
      'Your account is not a member of an organization.',
      400,
    );
  }
  return org;
}

function managementOnly(ctx: RequestContext): {
  id: string;
  managementAccount: string;
} {
  const org = organizationOf(ctx);
  if (ctx.caller.accountId !== org.managementAccount) {
    throw new AwsError(
      'AccessDeniedException',
      "You don't have permissions to access this resource.",
      400,
    );
  }
  return org;
}

function accountShape(
  ctx: RequestContext,
  org: { id: string; managementAccount: string },
  a: AccountSpec,
): object {
  return {
    Id: a.id,
    Arn: `arn:${ctx.state.spec.partition}:organizations::${org.managementAccount}:account/${org.id}/${a.id}`,
    Email: a.email,
    Name: a.name,
    // Status is the older field: it has no CLOSED (a closed account is SUSPENDED there).
    Status: a.status === 'CLOSED' ? 'SUSPENDED' : a.status,
    State: a.status,
    JoinedMethod: a.joinedMethod,
    JoinedTimestamp: resolveDate(a.joinedTimestamp, ctx.nowMs),
  };
}

function offsetOf(input: JsonInput): number {
  const token = input.optionalString('NextToken');
  if (token === undefined) return 0;
  const cursor = decodeToken(token, isOffsetCursor);
  if (!cursor)
    throw new AwsError(
      'InvalidInputException',
      'You provided an invalid value for NextToken.',
      400,
    );
  return cursor.o;
}

function memberAccount(ctx: RequestContext, id: string): AccountSpec {
  const account = ctx.state.account(id)?.spec;
  if (!account || !account.organizationMember) {
    throw new AwsError(
      'TargetNotFoundException',
      "We can't find a target with the TargetId that you specified.",
      400,
    );
  }
  return account;
}

function listAccounts(ctx: RequestContext, input: JsonInput): object {
  const org = managementOnly(ctx);
  const size = input.optionalInteger('MaxResults', 1, 20) ?? 20;
  const ids = ctx.state.organizationMembers();
  const p = page(ids, offsetOf(input), size);
  return {
    Accounts: p.items.map(id =>
      accountShape(ctx, org, ctx.state.account(id)!.spec),
    ),
    ...(p.next !== undefined ? { NextToken: encodeToken({ o: p.next }) } : {}),
  };
}

function describeOrganization(ctx: RequestContext): object {
  const org = organizationOf(ctx);
  const mgmt = ctx.state.account(org.managementAccount)!.spec;
  const partition = ctx.state.spec.partition;
  return {
    Organization: {
      Id: org.id,
      Arn: `arn:${partition}:organizations::${org.managementAccount}:organization/${org.id}`,
      FeatureSet: 'ALL',
      MasterAccountArn: `arn:${partition}:organizations::${org.managementAccount}:account/${org.id}/${org.managementAccount}`,
      MasterAccountId: org.managementAccount,
      MasterAccountEmail: mgmt.email,
      AvailablePolicyTypes: [],
    },
  };
}

function listTagsForResource(ctx: RequestContext, input: JsonInput): object {
  managementOnly(ctx);
  const id = input.string('ResourceId');
  if (!/^\d{12}$/.test(id)) {
    throw new AwsError(
      'TargetNotFoundException',
      "We can't find a target with the TargetId that you specified.",
      400,
    );
  }
  const tags = Object.entries(memberAccount(ctx, id).tags).map(
    ([Key, Value]) => ({ Key, Value }),
  );
  const p = page(tags, offsetOf(input), 100);
  return {
    Tags: p.items,
    ...(p.next !== undefined ? { NextToken: encodeToken({ o: p.next }) } : {}),
  };
}

export const organizations: JsonService = {
  name: 'organizations',
  protocol: 'json',
  global: true,
  targetPrefix: 'AWSOrganizationsV20161128',
  queryCompatible: false,
  invalid,
  operations: {
    DescribeOrganization: describeOrganization,
    ListAccounts: listAccounts,
    DescribeAccount: (ctx, input) => {
      const org = managementOnly(ctx);
      const id = input.string('AccountId');
      const account = ctx.state.account(id)?.spec;
      if (!account || !account.organizationMember) {
        throw new AwsError(
          'AccountNotFoundException',
          "You specified an account that doesn't exist.",
          400,
        );
      }
      return { Account: accountShape(ctx, org, account) };
    },
    ListTagsForResource: listTagsForResource,
  },
};
