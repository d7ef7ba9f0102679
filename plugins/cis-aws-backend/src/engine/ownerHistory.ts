import {
  AccountEvaluation,
  AccountFacts,
  TrailEvaluation,
} from '@cis-aws/plugin-cis-aws-common';
import { isDefinitiveTrail } from '../rules';
import type { EvaluationStore } from '../storage/EvaluationStore';

/**
 * The stored, definitive evaluations that owner accounts made of their organization trails, for
 * the members that see those trails: when an owner's latest run cannot judge its trail (throttled,
 * failing), the members take the owner's last definitive evaluation instead of turning UNKNOWN
 * (see `ownerLastDefinitive` of the trail rules). Each owner's stored result is read once per run.
 */
export class OwnerHistory {
  private readonly owners = new Map<string, Promise<AccountEvaluation[]>>();
  private readonly trails = new Map<
    string,
    { evaluation: TrailEvaluation; evaluatedAt: string }
  >();

  constructor(private readonly store: Pick<EvaluationStore, 'getAccount'>) {}

  /** Reads the stored results of the in-scope owners of the trails this account sees. */
  async load(facts: AccountFacts, inScope: ReadonlySet<string>) {
    for (const trail of facts.trails) {
      const owner = trail.ownerAccountId;
      if (
        owner === facts.accountId ||
        !inScope.has(owner) ||
        this.trails.has(trail.arn)
      ) {
        continue;
      }
      if (!this.owners.has(owner)) {
        this.owners.set(owner, this.read(owner));
      }
      const found = latestDefinitive(await this.owners.get(owner)!, trail.arn);
      if (found) this.trails.set(trail.arn, found);
    }
  }

  lastDefinitive(trailArn: string) {
    return this.trails.get(trailArn);
  }

  private async read(owner: string): Promise<AccountEvaluation[]> {
    const stored = await this.store.getAccount(owner);
    // The current result first: its trail may be definitive although the account is not.
    return [stored?.evaluation, stored?.lastDefinitiveEvaluation].filter(
      (evaluation): evaluation is AccountEvaluation => evaluation !== undefined,
    );
  }
}

/** The owner's own (not inherited) evaluation of the trail in the newest result that judged it. */
function latestDefinitive(evaluations: AccountEvaluation[], trailArn: string) {
  for (const evaluation of evaluations) {
    const trail = evaluation.trails.find(
      t => t.trailArn === trailArn && !t.inheritedFrom,
    );
    if (trail && isDefinitiveTrail(trail)) {
      return { evaluation: trail, evaluatedAt: evaluation.evaluatedAt };
    }
  }
  return undefined;
}
