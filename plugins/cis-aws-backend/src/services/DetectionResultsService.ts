import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  AccountDetectionResult,
  DETECTION_CONTROL_ID,
} from '@cis-aws/plugin-cis-aws-common';
import { ControlResultStore } from '../storage/ControlResultStore';
import { EvaluationStore } from '../storage/EvaluationStore';
import { CatalogAccess } from './CatalogAccess';

/**
 * An account's detection result (control `cis-3.x-detection`, detection-content.md), as stored
 * by the engine, for a caller who may read the account. Nothing here calls AWS.
 */
export interface DetectionResultsService {
  /**
   * 404 when the account is unknown or its entity is not readable by the caller (as the
   * account's detail), when its detection has not been evaluated yet, or when detection is
   * turned off (`cisAws.detection.enabled: false`).
   */
  getAccountDetection(
    accountId: string,
    options: { credentials: BackstageCredentials },
  ): Promise<AccountDetectionResult>;
}

export interface DetectionResultsServiceDeps {
  store: Pick<EvaluationStore, 'getAccount'>;
  controls: Pick<ControlResultStore, 'getControlResult'>;
  access: CatalogAccess;
  /** `cisAws.detection.enabled`. */
  enabled: boolean;
}

export class DefaultDetectionResultsService implements DetectionResultsService {
  static create(deps: DetectionResultsServiceDeps): DetectionResultsService {
    return new DefaultDetectionResultsService(deps);
  }

  private constructor(private readonly deps: DetectionResultsServiceDeps) {}

  async getAccountDetection(
    accountId: string,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<AccountDetectionResult> {
    await this.deps.access.readableAccount(
      this.deps.store,
      accountId,
      credentials,
    );
    if (!this.deps.enabled) {
      throw new NotFoundError(
        'Detection content is not evaluated here (cisAws.detection.enabled is false)',
      );
    }
    const stored = await this.deps.controls.getControlResult<
      AccountDetectionResult,
      object
    >(accountId, DETECTION_CONTROL_ID as 'cis-3.x-detection');
    if (!stored) {
      throw new NotFoundError(
        `The detection content of AWS account ${accountId} has not been evaluated yet`,
      );
    }
    const { latest, lastDefinitive, failingSince } = stored;
    return {
      ...latest.result,
      ...(failingSince ? { failingSince } : {}),
      ...(lastDefinitive
        ? {
            stale: true,
            lastDefinitive: {
              verdict: lastDefinitive.result.verdict,
              ...(lastDefinitive.result.reason
                ? { reason: lastDefinitive.result.reason }
                : {}),
              failingChecks: lastDefinitive.result.failingChecks,
              evaluatedAt: lastDefinitive.result.evaluatedAt,
            },
            lastDefinitiveChecks: lastDefinitive.result.checks,
          }
        : {}),
    };
  }
}
