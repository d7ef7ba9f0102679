/** Small pure helpers of the CIS 2.4 card. */
import { Entity } from '@backstage/catalog-model';
import {
  AWS_ACCOUNT_ID_ANNOTATION,
  EntityVerdictValue,
  parseAccountAnnotation,
  VERDICT_SEVERITY_ORDER,
} from '@cis-aws/plugin-cis-aws-common';
import { relativeTime, trailName, WRAPPED_LIST_TEXT } from '../common';

export { trailName, WRAPPED_LIST_TEXT };

/** What the card shows for an entity, decided from the entity alone. */
export type CardMode =
  | { type: 'account'; accountId: string }
  | { type: 'malformed'; value: string; message: string }
  | { type: 'aggregate' };

/**
 * A Resource with the annotation naming one account is that account's home: its card shows the
 * account's full result. A Resource whose annotation is malformed is reported without calling
 * the backend. Anything else (systems, groups, entities naming several accounts) asks the
 * backend for the entity's aggregate, which also reports mapping problems.
 */
export function cardMode(entity: Entity): CardMode {
  const value = entity.metadata.annotations?.[AWS_ACCOUNT_ID_ANNOTATION];
  if (
    value === undefined ||
    entity.kind.toLocaleLowerCase('en-US') !== 'resource'
  ) {
    return { type: 'aggregate' };
  }
  const parsed = parseAccountAnnotation(value);
  if (!parsed.ok) return { type: 'malformed', value, message: parsed.message };
  if (parsed.accountIds.length === 1)
    return { type: 'account', accountId: parsed.accountIds[0] };
  return { type: 'aggregate' };
}

/** The order the card lists verdicts and accounts in: worst first. */
export const DISPLAY_ORDER: readonly EntityVerdictValue[] = [
  ...VERDICT_SEVERITY_ORDER,
  'NOT_MAPPED',
];

export function displayRank(verdict: EntityVerdictValue): number {
  const index = DISPLAY_ORDER.indexOf(verdict);
  return index < 0 ? DISPLAY_ORDER.length : index;
}

/** The annotation to add to a catalog entity, as YAML. */
export function annotationSnippet(accountId = '123456789012'): string {
  return `metadata:\n  annotations:\n    ${AWS_ACCOUNT_ID_ANNOTATION}: "${accountId}"`;
}

/** Relative time as the whole plugin shows it (hours up to three days). */
export const ago = relativeTime;
