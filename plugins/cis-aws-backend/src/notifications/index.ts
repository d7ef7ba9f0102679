export { OwnerNotifier } from './OwnerNotifier';
export { ExceptionReminder } from './ExceptionReminder';
export {
  DEFAULT_NOTIFICATION_OPTIONS,
  NOTIFICATION_TRANSITIONS,
  type NotificationOptions,
  type NotificationTransition,
} from './options';
export {
  decideTransition,
  type NotificationDecision,
} from './decideTransition';
export {
  buildPayload,
  entityTabLink,
  notificationScope,
  NOTIFICATION_TOPIC,
} from './buildPayload';
