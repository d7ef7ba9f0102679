import { Box, Button, Typography } from '@material-ui/core';
import ExpandLessIcon from '@material-ui/icons/ExpandLess';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { ReactNode, useState } from 'react';

let nextId = 0;

/**
 * What engineers quote but rarely read first (ARNs, reason codes, exact times, raw AWS answers),
 * behind a "Details" button. Closed, the details are not rendered at all, so the plain words
 * above them are all a reader (and a screen reader) meets.
 */
export function Details(props: {
  children: ReactNode;
  /** The button's words; "Details" unless a part of the page needs to say which. */
  label?: string;
  /** The accessible name when several are on one page ("Details of the IAM role link"). */
  name?: string;
  testId?: string;
}) {
  const { children, label = 'Details', name, testId } = props;
  const [open, setOpen] = useState(false);
  // (React 17 has no useId; the plugin supports both.)
  const [id] = useState(() => `cis-aws-details-${++nextId}`);
  return (
    <Box data-testid={testId}>
      <Button
        size="small"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        aria-label={name}
        onClick={() => setOpen(o => !o)}
        startIcon={open ? <ExpandLessIcon /> : <ExpandMoreIcon />}
        style={{ textTransform: 'none', marginLeft: -4 }}
      >
        {label}
      </Button>
      {open && (
        <Box id={id} role="region" aria-label={name ?? label} pl={1} pb={1}>
          {children}
        </Box>
      )}
    </Box>
  );
}

/** Label/value pairs, the values wrapping anywhere (ARNs have no spaces to break at). */
export function FactList(props: { facts: [string, ReactNode][] }) {
  return (
    <Box
      component="dl"
      display="grid"
      style={{
        gridTemplateColumns: 'max-content minmax(0, 1fr)',
        gap: '2px 16px',
        margin: '4px 0 0',
      }}
    >
      {props.facts.map(([label, value]) => (
        <Box key={label} display="contents">
          <Typography component="dt" variant="body2" color="textSecondary">
            {label}
          </Typography>
          <Typography
            component="dd"
            variant="body2"
            style={{ margin: 0, overflowWrap: 'anywhere' }}
          >
            {value}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}
