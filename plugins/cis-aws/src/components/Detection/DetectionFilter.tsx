import {
  DETECTION_VERDICTS,
  DetectionVerdict,
} from '@cis-aws/plugin-cis-aws-common';
import { Chip, Typography } from '@material-ui/core';
import { DETECTION_VERDICT_TITLES } from './text';

/** Chips that filter the accounts by their detection verdict (the listing's `detection` param). */
export function DetectionFilter(props: {
  selected: DetectionVerdict[];
  onChange: (selected: DetectionVerdict[]) => void;
}) {
  const { selected, onChange } = props;
  const toggle = (verdict: DetectionVerdict) =>
    onChange(
      selected.includes(verdict)
        ? selected.filter(v => v !== verdict)
        : [...selected, verdict],
    );
  return (
    <>
      <Typography variant="body2" id="cis-detection-filter-label">
        Detection:
      </Typography>
      <span
        role="group"
        aria-labelledby="cis-detection-filter-label"
        style={{ display: 'contents' }}
      >
        {DETECTION_VERDICTS.map(verdict => {
          const on = selected.includes(verdict);
          return (
            <Chip
              key={verdict}
              size="small"
              clickable
              label={DETECTION_VERDICT_TITLES[verdict]}
              color={on ? 'primary' : 'default'}
              variant={on ? 'default' : 'outlined'}
              aria-pressed={on}
              data-testid={`cis-detection-filter-${verdict}`}
              onClick={() => toggle(verdict)}
            />
          );
        })}
      </span>
    </>
  );
}
