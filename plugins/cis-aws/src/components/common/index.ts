export { VerdictStatus } from './VerdictStatus';
export {
  accountReasonTitle,
  dateAndAgo,
  formatDateTime,
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
