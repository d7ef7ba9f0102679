import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  AccountFreshnessResponse,
  EvaluationEventCause,
  Verdict,
} from '@cis-aws/plugin-cis-aws-common';
import type { EvaluationStore } from '../storage/EvaluationStore';
import type {
  EvaluationCauseStore,
  StoredEvaluationCause,
} from '../storage/evaluationCauses';
import type { CatalogAccess } from './CatalogAccess';

/** How many event-driven evaluations the answer lists. */
const RECENT_EVENTS = 10;

/** How the current result of an account came about: an event, or the regular check. */
export interface FreshnessService {
  /** 404 like `GET /v1/accounts/{accountId}`. */
  getFreshness(
    accountId: string,
    options: { credentials: BackstageCredentials },
  ): Promise<AccountFreshnessResponse>;
}

export interface FreshnessServiceDeps {
  store: Pick<EvaluationStore, 'getAccount'>;
  causes: Pick<EvaluationCauseStore, 'listCauses'>;
  access: Pick<CatalogAccess, 'readableAccount'>;
  /** The regular check as people say it (lib/scheduleLabel), e.g. "hourly check". */
  checkLabel: string;
}

function served(cause: StoredEvaluationCause): EvaluationEventCause {
  const from = Date.parse(cause.eventTime ?? cause.receivedAt);
  const to = Date.parse(cause.evaluatedAt);
  const delay = Math.round((to - from) / 1000);
  return {
    evaluatedAt: cause.evaluatedAt,
    verdict: cause.verdict as Verdict,
    eventName: cause.eventName,
    ...(cause.eventSource ? { eventSource: cause.eventSource } : {}),
    ...(cause.principal ? { principal: cause.principal } : {}),
    ...(cause.principalArn ? { principalArn: cause.principalArn } : {}),
    ...(cause.eventTime ? { eventTime: cause.eventTime } : {}),
    ...(cause.resource ? { resource: cause.resource } : {}),
    eventCount: cause.eventCount,
    otherEventNames: cause.otherEventNames,
    receivedAt: cause.receivedAt,
    ...(Number.isFinite(delay) && delay >= 0 ? { delaySeconds: delay } : {}),
  };
}

export class DefaultFreshnessService implements FreshnessService {
  static create(deps: FreshnessServiceDeps): DefaultFreshnessService {
    return new DefaultFreshnessService(deps);
  }

  private constructor(private readonly deps: FreshnessServiceDeps) {}

  async getFreshness(
    accountId: string,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<AccountFreshnessResponse> {
    const stored = await this.deps.access.readableAccount(
      this.deps.store,
      accountId,
      credentials,
    );
    const evaluatedAt = stored.evaluation.evaluatedAt;
    const recent = (
      await this.deps.causes.listCauses(accountId, { limit: RECENT_EVENTS })
    ).map(served);
    const current = recent.find(
      cause => Date.parse(cause.evaluatedAt) === Date.parse(evaluatedAt),
    );
    return {
      accountId,
      evaluatedAt,
      trigger: current ? 'event' : 'check',
      ...(current ? { event: current } : {}),
      checkLabel: this.deps.checkLabel,
      recentEvents: recent,
    };
  }
}
