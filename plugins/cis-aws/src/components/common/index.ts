export { VerdictStatus } from './VerdictStatus';
export {
  accountReasonTitle,
  reasonTitle,
  reasonExplanation,
  warningTitle,
  relativeTime,
} from './text';
