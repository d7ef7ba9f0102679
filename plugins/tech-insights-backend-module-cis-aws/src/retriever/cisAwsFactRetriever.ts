import { toError } from '@backstage/errors';
import {
  FactRetriever,
  TechInsightFact,
} from '@backstage-community/plugin-tech-insights-node';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { DateTime } from 'luxon';
import { CisAwsEntityReader } from './CisAwsEntityReader';
import { forEachWithConcurrency } from '@cis-aws/plugin-cis-aws-node';
import { entityFacts } from './entityFacts';
import {
  CIS_AWS_FACT_RETRIEVER_ID,
  CIS_AWS_FACT_RETRIEVER_VERSION,
  cisAwsFactSchema,
} from './schema';

/** How many entities are asked about at once unless configured otherwise. */
export const DEFAULT_CONCURRENCY = 8;

/** How many skipped entities a run's warning names; the rest are counted. */
const NAMED_FAILURES = 5;

export interface CisAwsFactRetrieverOptions {
  /** Entities asked about at once (default 8). */
  concurrency?: number;
  /** The clock the oldest failure's age is measured with. */
  now?: () => DateTime;
}

/**
 * The CIS AWS fact retriever: for every system, group and AWS account in the
 * catalog, the entity's CIS 2.4 verdict, its accounts by verdict and the age of
 * its oldest failure, and its detection content status (control
 * `cis-3.x-detection`) beside it, as the cis-aws backend sees them now.
 *
 * An entity whose result cannot be read (the cis-aws backend is down, answers
 * 5xx or something that is not a result) gets no facts in this run rather
 * than wrong ones, and the run goes on with the others; the skipped entities
 * are named in one warning. An entity the backend does not know (404) simply
 * has no facts. If the catalog cannot be listed, the run fails as a whole
 * (Tech Insights logs it) and writes nothing.
 */
export function createCisAwsFactRetriever(
  options: CisAwsFactRetrieverOptions = {},
): FactRetriever {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const now = options.now ?? (() => DateTime.now());
  return {
    id: CIS_AWS_FACT_RETRIEVER_ID,
    version: CIS_AWS_FACT_RETRIEVER_VERSION,
    title: 'CIS AWS 2.4 and detection (3.x)',
    description:
      'CIS AWS Foundations 2.4 (CloudTrail delivers to CloudWatch Logs) per AWS account, system and team: verdict, accounts by verdict, age of the oldest failure; and, beside it, the detection content status (CIS 3.x: is anyone alerted on what arrives), its failing accounts and checks.',
    // Informative (Tech Insights stores it with the schema); which entities
    // are asked about is CIS_AWS_ENTITY_FILTERS, which can also say "only
    // resources that carry an AWS account id".
    entityFilter: [{ kind: ['resource', 'system', 'group'] }],
    schema: cisAwsFactSchema,
    handler: async ({ discovery, auth, logger }) => {
      const reader = await CisAwsEntityReader.create({ discovery, auth });
      const entities = await reader.listEntities();
      const timestamp = now();
      const facts: (TechInsightFact | undefined)[] = new Array(entities.length);
      const failures: string[] = [];
      await forEachWithConcurrency(entities, concurrency, async (ref, i) => {
        try {
          const result = await reader.readEntityResult(ref);
          if (result) {
            facts[i] = {
              entity: ref,
              facts: entityFacts(result, timestamp),
              timestamp,
            };
          }
        } catch (error) {
          failures.push(
            `${stringifyEntityRef(ref)}: ${toError(error).message}`,
          );
        }
      });
      const written = facts.filter((f): f is TechInsightFact => !!f);
      if (failures.length > 0) {
        const named = failures.slice(0, NAMED_FAILURES).join('; ');
        const more = failures.length - NAMED_FAILURES;
        logger.warn(
          `CIS AWS facts (2.4 and detection) skipped for ${
            failures.length
          } of ${
            entities.length
          } entities whose result could not be read: ${named}${
            more > 0 ? `; and ${more} more` : ''
          }`,
        );
      }
      logger.info(
        `CIS AWS facts (2.4 and detection) for ${written.length} of ${entities.length} entities`,
      );
      return written;
    },
  };
}
