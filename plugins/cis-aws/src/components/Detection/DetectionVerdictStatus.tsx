import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import type { DetectionVerdict } from '@cis-aws/plugin-cis-aws-common';
import { DETECTION_VERDICT_TITLES } from './text';

/**
 * A detection verdict as a coloured status with its name; the words say the colour's meaning.
 * `compact`: the words alone on one line (table cells, where `NOT_APPLICABLE — Not applicable`
 * would squeeze the other columns).
 */
export function DetectionVerdictStatus(props: {
  verdict: DetectionVerdict;
  compact?: boolean;
}) {
  const { verdict, compact } = props;
  const label = compact
    ? DETECTION_VERDICT_TITLES[verdict]
    : `${verdict} — ${DETECTION_VERDICT_TITLES[verdict]}`;
  const status = (() => {
    switch (verdict) {
      case 'PASS':
        return <StatusOK>{label}</StatusOK>;
      case 'FAIL':
        return <StatusError>{label}</StatusError>;
      case 'ERROR':
        return <StatusWarning>{label}</StatusWarning>;
      default:
        return <StatusPending>{label}</StatusPending>;
    }
  })();
  return (
    <span
      data-testid="cis-detection-verdict"
      data-verdict={verdict}
      style={compact ? { whiteSpace: 'nowrap' } : undefined}
    >
      {status}
    </span>
  );
}
