/**
 * The verdict changes owners can be told about: into FAIL (at once), into a verdict that could
 * not be decided (ERROR or UNKNOWN, once it persists: see `errorAfter`), and back from either to
 * PASS or EXEMPT (only when the owner was told about the failure or the error).
 */
export const NOTIFICATION_TRANSITIONS = ['fail', 'error', 'recovery'] as const;
export type NotificationTransition = (typeof NOTIFICATION_TRANSITIONS)[number];

/**
 * When an account that could not be checked (ERROR or UNKNOWN, one result after another) is worth
 * telling its owner about: a throttled run, a 500 or a connection reset clears by the next run
 * and must not notify (and then "recover"). Both conditions that are set must hold.
 */
export interface PersistenceThreshold {
  /** Results in a row that are ERROR or UNKNOWN; 1 notifies at the first. */
  runs: number;
  /** How long since the first of them; undefined: no condition on time. */
  durationMs?: number;
}

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
  /** `cisAws.notifications.errorAfter`. */
  errorAfter: PersistenceThreshold;
  /**
   * `cisAws.notifications.detection`: the detection control (`cis-3.x-detection`), with its own
   * notification per account. `notifyFirstResult` and `unownedRecipient` are shared with 2.4.
   */
  detection: ControlNotificationOptions;
}

/** What a control besides 2.4 notifies (`cisAws.notifications.<control>`). */
export interface ControlNotificationOptions {
  /** Default: true (and nothing is sent when `cisAws.notifications.enabled` is false). */
  enabled: boolean;
  /** Default: all three. */
  transitions: ReadonlySet<NotificationTransition>;
  /** Default: `cisAws.notifications.errorAfter`. */
  errorAfter: PersistenceThreshold;
}

/** Two results in a row: with the hourly schedule, an hour of not being able to check. */
export const DEFAULT_ERROR_AFTER: PersistenceThreshold = { runs: 2 };

export const DEFAULT_NOTIFICATION_OPTIONS: NotificationOptions = {
  enabled: true,
  transitions: new Set(NOTIFICATION_TRANSITIONS),
  notifyFirstResult: true,
  errorAfter: DEFAULT_ERROR_AFTER,
  detection: {
    enabled: true,
    transitions: new Set(NOTIFICATION_TRANSITIONS),
    errorAfter: DEFAULT_ERROR_AFTER,
  },
};
