import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/**
 * The verdict changes owners can be told about: into FAIL, into ERROR, and
 * back from either to PASS or EXEMPT.
 */
export const NOTIFICATION_TRANSITIONS = ['fail', 'error', 'recovery'] as const;
export type NotificationTransition = (typeof NOTIFICATION_TRANSITIONS)[number];

/** `cisAws.notifications.*` (see config.d.ts), read and checked once at start-up. */
export interface NotificationOptions {
  enabled: boolean;
  transitions: ReadonlySet<NotificationTransition>;
  /** Whether an account's first result ever notifies when it is FAIL or ERROR. */
  notifyFirstResult: boolean;
  /** Who hears about accounts without an owner; nobody when undefined. */
  unownedRecipient?: string;
}

export const DEFAULT_NOTIFICATION_OPTIONS: NotificationOptions = {
  enabled: true,
  transitions: new Set(NOTIFICATION_TRANSITIONS),
  notifyFirstResult: true,
};

/**
 * Reads `cisAws.notifications`. A wrong value stops the plugin at start-up
 * with the key and what is allowed, rather than silently notifying nobody.
 */
export function readNotificationOptions(root: Config): NotificationOptions {
  const config = root.getOptionalConfig('cisAws.notifications');
  if (!config) return DEFAULT_NOTIFICATION_OPTIONS;

  const transitionNames = config.getOptionalStringArray('transitions');
  const transitions = new Set<NotificationTransition>();
  for (const name of transitionNames ?? NOTIFICATION_TRANSITIONS) {
    if (!(NOTIFICATION_TRANSITIONS as readonly string[]).includes(name)) {
      throw new InputError(
        `cisAws.notifications.transitions: "${name}" is not one of ${NOTIFICATION_TRANSITIONS.join(
          ', ',
        )}`,
      );
    }
    transitions.add(name as NotificationTransition);
  }

  return {
    enabled: config.getOptionalBoolean('enabled') ?? true,
    transitions,
    notifyFirstResult: config.getOptionalBoolean('notifyFirstResult') ?? true,
    unownedRecipient: readEntityRef(config, 'unownedRecipient'),
  };
}

/** A full entity ref (`group:default/platform-team`; the namespace may be left out). */
function readEntityRef(config: Config, key: string): string | undefined {
  const value = config.getOptionalString(key);
  if (value === undefined) return undefined;
  try {
    return stringifyEntityRef(parseEntityRef(value));
  } catch (error) {
    throw new InputError(
      `cisAws.notifications.${key}: "${value}" is not an entity ref like group:default/platform-team (${
        (error as Error).message
      })`,
    );
  }
}
