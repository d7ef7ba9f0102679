import { toError } from '@backstage/errors';
import {
  Account,
  DescribeOrganizationCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListTagsForResource,
} from '@aws-sdk/client-organizations';
import { mapWithConcurrency } from '@cis-aws/plugin-cis-aws-node';
import { OrganizationAccount } from './accountEntities';

/** Tag reads in flight at once: Organizations allows a few requests per second per account. */
export const TAG_READ_CONCURRENCY = 4;

/** An account as Organizations lists it, before its tags are read. */
export type ListedAccount = Omit<OrganizationAccount, 'tags'>;

/** `State` is the current field; `Status` is what older APIs (and some proxies) give. */
export function accountStatusOf(account: Account): string {
  return account.State ?? account.Status ?? 'ACTIVE';
}

/** The organization's id (`o-…`), which names the entities' location. */
export async function readOrganizationId(
  client: OrganizationsClient,
): Promise<string> {
  const { Organization } = await client.send(
    new DescribeOrganizationCommand({}),
  );
  if (!Organization?.Id) {
    throw new Error('DescribeOrganization returned no organization id');
  }
  return Organization.Id;
}

/** Every account of the organization, every page of ListAccounts. */
export async function listAccounts(
  client: OrganizationsClient,
): Promise<ListedAccount[]> {
  const accounts: ListedAccount[] = [];
  for await (const page of paginateListAccounts({ client }, {})) {
    for (const account of page.Accounts ?? []) {
      if (!account.Id) continue;
      accounts.push({
        id: account.Id,
        name: account.Name,
        status: accountStatusOf(account),
      });
    }
  }
  return accounts;
}

/** One account's tags, every page of ListTagsForResource. */
export async function readAccountTags(
  client: OrganizationsClient,
  accountId: string,
): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  for await (const page of paginateListTagsForResource(
    { client },
    { ResourceId: accountId },
  )) {
    for (const tag of page.Tags ?? []) {
      if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
    }
  }
  return tags;
}

/**
 * Reads the given accounts' tags, a few at a time. Any failure rejects, with
 * the account it was about in the message, and no further account is read:
 * a partial list of accounts must never reach the catalog, where it would
 * delete the rest.
 */
export async function readTagsOf(
  client: OrganizationsClient,
  accounts: readonly ListedAccount[],
  concurrency: number = TAG_READ_CONCURRENCY,
): Promise<OrganizationAccount[]> {
  return mapWithConcurrency(accounts, concurrency, async account => {
    try {
      return { ...account, tags: await readAccountTags(client, account.id) };
    } catch (error) {
      const e = toError(error);
      throw new Error(
        `ListTagsForResource for account ${account.id} failed: ${e.name}: ${e.message}`,
      );
    }
  });
}
