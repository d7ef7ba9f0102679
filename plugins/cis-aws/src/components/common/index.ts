export { VerdictStatus } from './VerdictStatus';
export {
  accountReasonTitle,
  dateAndAgo,
  formatDateTime,
  plainTime,
  reasonTitle,
  reasonExplanation,
  relativeTime,
  trailName,
  warningTitle,
} from './text';
export {
  apiErrorCode,
  describeApiError,
  errorMessage,
  explainApiError,
} from './errors';
export { downloadBlob } from './download';
export { Details, FactList } from './Details';
export { Time } from './Time';
export { WRAPPED_LIST_TEXT } from './wrap';
export {
  ExceptionDecisionText,
  ExemptionDetails,
  LegacyMarker,
  PersonRef,
  TicketLink,
  ticketLabel,
} from './Exemption';
export {
  DecideExceptionDialog,
  type ExceptionDecision,
} from './DecideExceptionDialog';
