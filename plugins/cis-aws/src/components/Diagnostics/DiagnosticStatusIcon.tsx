import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
} from '@backstage/core-components';
import { DiagnosticStatus } from '@cis-aws/plugin-cis-aws-common';

/** What each status reads as, beside its icon. */
export const DIAGNOSTIC_STATUS_LABELS: Record<DiagnosticStatus, string> = {
  OK: 'Reachable',
  PROBLEM: 'Problem',
  UNKNOWN: 'Unknown',
  SKIPPED: 'Not checked',
};

/** A diagnostic status as a coloured status icon with its label (or another word for it). */
export function DiagnosticStatusIcon(props: {
  status: DiagnosticStatus;
  label?: string;
}) {
  const label = props.label ?? DIAGNOSTIC_STATUS_LABELS[props.status];
  switch (props.status) {
    case 'OK':
      return <StatusOK>{label}</StatusOK>;
    case 'PROBLEM':
      return <StatusError>{label}</StatusError>;
    case 'SKIPPED':
      return <StatusAborted>{label}</StatusAborted>;
    default:
      return <StatusPending>{label}</StatusPending>;
  }
}
