/** The longest `metadata.name` the catalog accepts. */
const MAX_NAME_LENGTH = 63;
const PREFIX = 'aws-';

/**
 * The account's name as an entity name fragment: lower case, runs of anything
 * but `a-z0-9` become one `-`, no `-` at either end, at most `maxLength`
 * characters. Empty when the name has nothing usable (then the account id
 * names the entity).
 */
export function slugOf(name: string, maxLength: number): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLocaleLowerCase('en-US')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, maxLength)
    .replace(/-+$/, '');
}

/** `aws-<slug>`, or `aws-<slug>-<accountId>` when `withId`; `aws-<accountId>` when the name gives no slug. */
export function accountEntityName(
  account: { id: string; name?: string },
  withId: boolean,
): string {
  const suffix = withId ? `-${account.id}` : '';
  const slug = slugOf(
    account.name ?? '',
    MAX_NAME_LENGTH - PREFIX.length - suffix.length,
  );
  return slug === '' ? `${PREFIX}${account.id}` : `${PREFIX}${slug}${suffix}`;
}

/**
 * Entity names for a set of accounts, by account id. The name comes from the
 * account's Name, so that it reads well in URLs (`aws-payments-prod`); when two
 * accounts would get the same name, each of them gets its id appended, so
 * that no account's entity depends on which of them was listed first.
 */
export function accountEntityNames(
  accounts: ReadonlyArray<{ id: string; name?: string }>,
): Map<string, string> {
  const byName = new Map<string, string[]>();
  for (const account of accounts) {
    const name = accountEntityName(account, false);
    byName.set(name, [...(byName.get(name) ?? []), account.id]);
  }
  const names = new Map<string, string>();
  for (const account of accounts) {
    const shared = byName.get(accountEntityName(account, false))!.length > 1;
    names.set(account.id, accountEntityName(account, shared));
  }
  return names;
}
