/**
 * Counts SDK calls by account, by operation (`service:Operation`), by
 * service and by error code. Plain Map increments: cheap for millions of calls.
 */
export interface CallCounts {
  total: number;
  byAccount: Record<string, number>;
  byOperation: Record<string, number>;
  byService: Record<string, number>;
  byAccountOperation: Record<string, Record<string, number>>;
  errors: Record<string, number>;
  since: string;
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export class CallCounter {
  private total = 0;
  private byAccount = new Map<string, number>();
  private byOperation = new Map<string, number>();
  private byService = new Map<string, number>();
  private byAccountOperation = new Map<string, Map<string, number>>();
  private errors = new Map<string, number>();
  private since = new Date();

  record(account: string, service: string, operation: string): void {
    this.total++;
    bump(this.byAccount, account);
    bump(this.byService, service);
    const op = `${service}:${operation}`;
    bump(this.byOperation, op);
    let perAccount = this.byAccountOperation.get(account);
    if (!perAccount) {
      perAccount = new Map();
      this.byAccountOperation.set(account, perAccount);
    }
    bump(perAccount, op);
  }

  recordError(code: string): void {
    bump(this.errors, code);
  }

  snapshot(): CallCounts {
    return {
      total: this.total,
      byAccount: Object.fromEntries(this.byAccount),
      byOperation: Object.fromEntries(this.byOperation),
      byService: Object.fromEntries(this.byService),
      byAccountOperation: Object.fromEntries(
        [...this.byAccountOperation].map(([k, v]) => [
          k,
          Object.fromEntries(v),
        ]),
      ),
      errors: Object.fromEntries(this.errors),
      since: this.since.toISOString(),
    };
  }

  reset(): void {
    this.total = 0;
    this.byAccount.clear();
    this.byOperation.clear();
    this.byService.clear();
    this.byAccountOperation.clear();
    this.errors.clear();
    this.since = new Date();
  }
}
