import { CheckResult } from '@backstage-community/plugin-tech-insights-common';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { CIS_AWS_CHECK_IDS as CHECK_IDS } from '@cis-aws/plugin-cis-aws-common';

/**
 * The checks of `@cis-aws/plugin-tech-insights-backend-module-cis-aws`, in
 * the order the scorecard shows them. They are configured in app-config.yaml
 * (`techInsights.factChecker.checks`).
 */
export const CIS_AWS_CHECK_IDS = [
  CHECK_IDS.compliant,
  CHECK_IDS.failuresFresh,
] as const;

/** A failed request, with the backend's own message when it sent one. */
export class CheckRunError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'CheckRunError';
  }
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = await response.json();
    if (typeof body?.error?.message === 'string') return body.error.message;
  } catch {
    // not JSON: the status says it all
  }
  return response.statusText || 'request failed';
}

/**
 * Runs checks against one entity through the tech-insights backend
 * (`POST /api/tech-insights/checks/run/{namespace}/{kind}/{name}`), which
 * evaluates them on the entity's latest facts. A check whose facts the entity
 * does not have is left out of the answer, not failed.
 */
export async function runEntityChecks(
  apis: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  entity: CompoundEntityRef,
  checks: readonly string[],
): Promise<CheckResult[]> {
  const baseUrl = await apis.discoveryApi.getBaseUrl('tech-insights');
  const path = [entity.namespace, entity.kind, entity.name]
    .map(encodeURIComponent)
    .join('/');
  const response = await apis.fetchApi.fetch(`${baseUrl}/checks/run/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ checks }),
  });
  if (!response.ok) {
    throw new CheckRunError(
      `${await errorMessage(response)} (HTTP ${response.status})`,
      response.status,
    );
  }
  return (await response.json()) as CheckResult[];
}
