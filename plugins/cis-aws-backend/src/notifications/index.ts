export { OwnerNotifier } from './OwnerNotifier';
export { ExceptionReminder } from './ExceptionReminder';
export {
  DEFAULT_ERROR_AFTER,
  DEFAULT_NOTIFICATION_OPTIONS,
  NOTIFICATION_TRANSITIONS,
  type NotificationOptions,
  type NotificationTransition,
  type PersistenceThreshold,
} from './options';
export {
  decideNotification,
  type NotificationDecision,
} from './decideTransition';
export {
  buildPayload,
  entityTabLink,
  notificationScope,
  NOTIFICATION_TOPIC,
} from './buildPayload';
