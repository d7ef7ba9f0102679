import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  Verdict,
  VERDICTS,
  VerdictTotals,
} from '@cis-aws/plugin-cis-aws-common';
import {
  Box,
  Button,
  Chip,
  Grid,
  TextField,
  Typography,
} from '@material-ui/core';
import GetAppIcon from '@material-ui/icons/GetApp';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { useEffect, useRef, useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import { DetectionFilter } from '../Detection';
import { TableState } from './query';

/** Milliseconds the search box waits for typing to stop before asking the backend. */
export const SEARCH_DEBOUNCE_MS = 300;

export function ownerLabel(ownerRef: string): string {
  try {
    return humanizeEntityRef(parseEntityRef(ownerRef), {
      defaultKind: 'group',
    });
  } catch {
    return ownerRef;
  }
}

function SearchBox(props: {
  value: string;
  onChange: (search: string) => void;
}) {
  const { value, onChange } = props;
  const [text, setText] = useState(value);
  const sent = useRef(value);
  // Follow outside changes (e.g. "Clear filters"), not the echo of what was typed.
  useEffect(() => {
    if (value !== sent.current) {
      sent.current = value;
      setText(value);
    }
  }, [value]);
  useDebounce(
    () => {
      if (text !== sent.current) {
        sent.current = text;
        onChange(text);
      }
    },
    SEARCH_DEBOUNCE_MS,
    [text],
  );
  return (
    <TextField
      label="Search accounts"
      placeholder="Account id, title, owner or system"
      variant="outlined"
      size="small"
      fullWidth
      value={text}
      onChange={event => setText(event.target.value)}
      inputProps={{ 'aria-label': 'Search accounts', maxLength: 200 }}
    />
  );
}

/** Search, verdict and owner filters, the matching totals, and the CSV export of the current view. */
export function AccountsToolbar(props: {
  state: TableState;
  onChange: (change: Partial<TableState>) => void;
  ownerRefs: string[];
  totalCount?: number;
  totals?: VerdictTotals;
  onExport: () => void;
  exporting: boolean;
  exportError?: Error;
}) {
  const { state, onChange, ownerRefs, totalCount, totals } = props;
  const toggleVerdict = (verdict: Verdict) =>
    onChange({
      verdicts: state.verdicts.includes(verdict)
        ? state.verdicts.filter(v => v !== verdict)
        : [...state.verdicts, verdict],
      page: 0,
    });
  const filtered =
    state.verdicts.length > 0 ||
    state.detection.length > 0 ||
    state.owners.length > 0 ||
    state.noOwner ||
    state.systems.length > 0 ||
    state.search !== '';

  return (
    <Box mb={1}>
      <Grid container spacing={2} alignItems="center">
        <Grid item xs={12} md={4}>
          <SearchBox
            value={state.search}
            onChange={search => onChange({ search, page: 0 })}
          />
        </Grid>
        <Grid item xs={12} md={4}>
          <Autocomplete
            multiple
            size="small"
            options={ownerRefs}
            value={state.owners}
            getOptionLabel={ownerLabel}
            onChange={(_event, owners) =>
              onChange({ owners, noOwner: false, page: 0 })
            }
            renderInput={params => (
              <TextField
                {...params}
                variant="outlined"
                label="Owner"
                placeholder="Any owner"
              />
            )}
          />
        </Grid>
        <Grid item xs={12} md={4}>
          <Box display="flex" justifyContent="flex-end" style={{ gap: 8 }}>
            {filtered && (
              <Button
                onClick={() =>
                  onChange({
                    search: '',
                    verdicts: [],
                    detection: [],
                    owners: [],
                    noOwner: false,
                    systems: [],
                    page: 0,
                  })
                }
              >
                Clear filters
              </Button>
            )}
            <Button
              variant="outlined"
              color="primary"
              startIcon={<GetAppIcon />}
              onClick={props.onExport}
              disabled={props.exporting}
            >
              {props.exporting ? 'Exporting…' : 'Export CSV'}
            </Button>
          </Box>
        </Grid>
        <Grid item xs={12}>
          <Box
            display="flex"
            flexWrap="wrap"
            alignItems="center"
            style={{ gap: 8 }}
          >
            <Typography variant="body2">Verdict:</Typography>
            {VERDICTS.map(verdict => {
              const selected = state.verdicts.includes(verdict);
              return (
                <Chip
                  key={verdict}
                  size="small"
                  clickable
                  label={verdict}
                  color={selected ? 'primary' : 'default'}
                  variant={selected ? 'default' : 'outlined'}
                  aria-pressed={selected}
                  data-testid={`cis-filter-${verdict}`}
                  onClick={() => toggleVerdict(verdict)}
                />
              );
            })}
            <DetectionFilter
              selected={state.detection}
              onChange={detection => onChange({ detection, page: 0 })}
            />
            {state.noOwner && (
              <Chip
                size="small"
                color="primary"
                label="No owner"
                data-testid="cis-filter-no-owner"
                onDelete={() => onChange({ noOwner: false, page: 0 })}
              />
            )}
            {state.systems.map(systemRef => (
              <Chip
                key={systemRef}
                size="small"
                color="primary"
                label={`System: ${systemRef.replace(
                  /^system:(default\/)?/,
                  '',
                )}`}
                data-testid="cis-filter-system"
                onDelete={() =>
                  onChange({
                    systems: state.systems.filter(s => s !== systemRef),
                    page: 0,
                  })
                }
              />
            ))}
            <Typography
              variant="body2"
              color="textSecondary"
              data-testid="cis-match-count"
            >
              {matchText(totalCount, totals)}
            </Typography>
          </Box>
        </Grid>
        {props.exportError && (
          <Grid item xs={12}>
            <Typography color="error" variant="body2">
              Export failed: {props.exportError.message}
            </Typography>
          </Grid>
        )}
      </Grid>
    </Box>
  );
}

function matchText(totalCount?: number, totals?: VerdictTotals): string {
  if (totalCount === undefined) return '';
  const parts = totals
    ? VERDICTS.filter(verdict => totals[verdict]).map(
        verdict => `${verdict} ${totals[verdict]}`,
      )
    : [];
  const noun = totalCount === 1 ? 'account matches' : 'accounts match';
  return `${totalCount} ${noun}${parts.length ? `: ${parts.join(' · ')}` : ''}`;
}
