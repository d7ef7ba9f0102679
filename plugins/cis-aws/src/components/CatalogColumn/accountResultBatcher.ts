import { AccountSummary } from '@cis-aws/plugin-cis-aws-common';
import { CisAwsApi } from '../../api/CisAwsApi';

/** Entity refs per request: a page of the catalog table fits in one. */
export const REFS_PER_REQUEST = 100;
/** How long a fetched result is reused (paging back and forth, re-renders). */
export const RESULT_TTL_MS = 60_000;

interface Entry {
  expiresAt: number;
  value: Promise<AccountSummary[]>;
}

/**
 * Collects the entity refs the catalog table's cells ask for while it renders, and asks the
 * backend for all of them in one `GET /v1/accounts?entityRef=…` (up to {@link REFS_PER_REQUEST}
 * refs a request) instead of one request per row. Each ref's accounts are kept for
 * {@link RESULT_TTL_MS}.
 */
export class AccountResultBatcher {
  private readonly results = new Map<string, Entry>();
  private pending = new Map<
    string,
    {
      resolve: (items: AccountSummary[]) => void;
      reject: (error: unknown) => void;
    }
  >();
  private scheduled = false;

  constructor(
    private readonly api: Pick<CisAwsApi, 'listAccounts'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The evaluated accounts an entity stands for (none: not evaluated, or not readable). */
  accountsOf(entityRef: string): Promise<AccountSummary[]> {
    const key = entityRef.toLocaleLowerCase('en-US');
    const cached = this.results.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.value;
    const value = new Promise<AccountSummary[]>((resolve, reject) => {
      this.pending.set(key, { resolve, reject });
    });
    this.results.set(key, { expiresAt: this.now() + RESULT_TTL_MS, value });
    value.catch(() => {
      if (this.results.get(key)?.value === value) this.results.delete(key);
    });
    if (!this.scheduled) {
      this.scheduled = true;
      // Every cell of one render asks before the timer fires.
      setTimeout(() => this.flush(), 0);
    }
    return value;
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    const refs = [...batch.keys()];
    for (let i = 0; i < refs.length; i += REFS_PER_REQUEST) {
      const chunk = refs.slice(i, i + REFS_PER_REQUEST);
      try {
        const page = await this.api.listAccounts({
          entityRef: chunk,
          // An entity may stand for several accounts: room for all of them.
          limit: 1000,
        });
        const byRef = new Map<string, AccountSummary[]>();
        for (const item of page.items) {
          const key = item.entityRef.toLocaleLowerCase('en-US');
          byRef.set(key, [...(byRef.get(key) ?? []), item]);
        }
        for (const ref of chunk) batch.get(ref)!.resolve(byRef.get(ref) ?? []);
      } catch (error) {
        for (const ref of chunk) batch.get(ref)!.reject(error);
      }
    }
  }
}
