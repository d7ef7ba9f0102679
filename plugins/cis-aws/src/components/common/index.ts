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
  ExemptionDetails,
  PersonRef,
  TicketLink,
  ticketLabel,
} from './Exemption';
