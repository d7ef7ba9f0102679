import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import type { DetectionVerdict } from '@cis-aws/plugin-cis-aws-common';
import { DETECTION_VERDICT_TITLES } from './text';

/** A detection verdict as a coloured status with its name; the words say the colour's meaning. */
export function DetectionVerdictStatus(props: { verdict: DetectionVerdict }) {
  const { verdict } = props;
  const label = `${verdict} — ${DETECTION_VERDICT_TITLES[verdict]}`;
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
    <span data-testid="cis-detection-verdict" data-verdict={verdict}>
      {status}
    </span>
  );
}
