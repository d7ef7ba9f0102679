import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import {
  EntityVerdictValue,
  VERDICT_DESCRIPTIONS,
} from '@cis-aws/plugin-cis-aws-common';
import { Tooltip } from '@material-ui/core';

/** A verdict as a coloured status with its name, explained on hover. */
export function VerdictStatus(props: {
  verdict: EntityVerdictValue | 'PENDING';
  stale?: boolean;
}) {
  const { verdict, stale } = props;
  const label = stale ? `${verdict} (stale)` : verdict;
  const explanation =
    verdict === 'PENDING'
      ? 'Mapped to AWS accounts that have not been evaluated yet.'
      : VERDICT_DESCRIPTIONS[verdict].explanation;
  const status = (() => {
    switch (verdict) {
      case 'PASS':
        return <StatusOK>{label}</StatusOK>;
      case 'FAIL':
        return <StatusError>{label}</StatusError>;
      case 'ERROR':
        return <StatusWarning>{label}</StatusWarning>;
      case 'EXEMPT':
        return <StatusAborted>{label}</StatusAborted>;
      default:
        return <StatusPending>{label}</StatusPending>;
    }
  })();
  return (
    <Tooltip title={explanation}>
      <span
        data-testid="cis-verdict"
        data-verdict={verdict}
        style={{ whiteSpace: 'nowrap' }}
      >
        {status}
      </span>
    </Tooltip>
  );
}
