/**
 * The verdict changes owners can be told about: into FAIL, into ERROR, and
 * back from either to PASS or EXEMPT.
 */
export const NOTIFICATION_TRANSITIONS = ['fail', 'error', 'recovery'] as const;
export type NotificationTransition = (typeof NOTIFICATION_TRANSITIONS)[number];

/**
 * What owner notifications need from `cisAws.notifications.*` (see config.d.ts); `src/config.ts`
 * reads and checks it once at start-up and passes it down.
 */
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
