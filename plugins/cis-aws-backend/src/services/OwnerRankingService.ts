import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  AccountSummary,
  OwnerSummary,
  OwnersResponse,
} from '@cis-aws/plugin-cis-aws-common';
import { EvaluationStore, listAllAccounts } from '../storage/EvaluationStore';
import { CatalogAccess } from './CatalogAccess';

/** The platform team's ranking: every owner's accounts by verdict, worst first. */
export interface OwnerRankingService {
  rankOwners(options: {
    credentials: BackstageCredentials;
  }): Promise<OwnersResponse>;
}

/** Owners by failing accounts, then erroring ones, then by name; nobody's accounts last. */
export function rankOwners(
  accounts: readonly Pick<AccountSummary, 'ownerRef' | 'verdict'>[],
): OwnerSummary[] {
  const byOwner = new Map<string, OwnerSummary>();
  for (const account of accounts) {
    const key = account.ownerRef ?? '';
    const summary = byOwner.get(key) ?? {
      ...(account.ownerRef ? { ownerRef: account.ownerRef } : {}),
      totalCount: 0,
      totals: { PASS: 0, FAIL: 0, ERROR: 0, UNKNOWN: 0, EXEMPT: 0 },
    };
    summary.totalCount += 1;
    summary.totals[account.verdict] += 1;
    byOwner.set(key, summary);
  }
  return [...byOwner.values()].sort(
    (a, b) =>
      b.totals.FAIL - a.totals.FAIL ||
      b.totals.ERROR - a.totals.ERROR ||
      // Nobody's accounts after the named owners they tie with ('~' sorts before letters).
      Number(a.ownerRef === undefined) - Number(b.ownerRef === undefined) ||
      (a.ownerRef ?? '').localeCompare(b.ownerRef ?? ''),
  );
}

export class DefaultOwnerRankingService implements OwnerRankingService {
  static create(options: {
    store: Pick<EvaluationStore, 'listAccounts'>;
    access: CatalogAccess;
  }): OwnerRankingService {
    return new DefaultOwnerRankingService(options.store, options.access);
  }

  private constructor(
    private readonly store: Pick<EvaluationStore, 'listAccounts'>,
    private readonly access: CatalogAccess,
  ) {}

  async rankOwners({
    credentials,
  }: {
    credentials: BackstageCredentials;
  }): Promise<OwnersResponse> {
    const readableEntityRefs = await this.access.readableAccountEntityRefs(
      credentials,
    );
    const accounts = await listAllAccounts(this.store, { readableEntityRefs });
    return { owners: rankOwners(accounts) };
  }
}
