import { CheckResult } from '@backstage-community/plugin-tech-insights-common';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
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
  CHECK_IDS.detectionAlerted,
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

/** The retriever whose facts the checks read (`CIS_AWS_FACT_RETRIEVER_ID` of the module). */
export const CIS_AWS_FACT_RETRIEVER_ID = 'cisAwsFactRetriever';

/**
 * The entity's latest CIS 2.4 facts that are lists of entity refs (`set` facts such as
 * `cisAwsNotPassingAccountRefs`), from `GET /api/tech-insights/facts/latest`.
 */
export async function latestFactLists(
  apis: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  entity: CompoundEntityRef,
): Promise<Record<string, string[]>> {
  const baseUrl = await apis.discoveryApi.getBaseUrl('tech-insights');
  const params = new URLSearchParams({
    entity: stringifyEntityRef(entity),
    ids: CIS_AWS_FACT_RETRIEVER_ID,
  });
  const response = await apis.fetchApi.fetch(
    `${baseUrl}/facts/latest?${params}`,
  );
  if (!response.ok) {
    throw new CheckRunError(
      `${await errorMessage(response)} (HTTP ${response.status})`,
      response.status,
    );
  }
  const body = (await response.json()) as Record<
    string,
    { facts?: Record<string, unknown> } | undefined
  >;
  const facts = body[CIS_AWS_FACT_RETRIEVER_ID]?.facts ?? {};
  return Object.fromEntries(
    Object.entries(facts).flatMap(([name, value]) =>
      Array.isArray(value) && value.every(v => typeof v === 'string')
        ? [[name, value as string[]]]
        : [],
    ),
  );
}
