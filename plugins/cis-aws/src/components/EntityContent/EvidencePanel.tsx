import { toError } from '@backstage/errors';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EvidenceFormat } from '@cis-aws/plugin-cis-aws-common';
import {
  Box,
  Button,
  CircularProgress,
  TextField,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { useState } from 'react';
import { cisAwsApiRef } from '../../api/CisAwsApi';
import { downloadBlob, errorMessage } from '../common';
import { localDay } from './exceptionForm';

/**
 * The `at` of a packet for a chosen day: none for today (the packet as of now), else the end of
 * that day in UTC, the day the backend's daily verifications are kept by. East of UTC,
 * yesterday's end in UTC may still be ahead, and the backend refuses a time in the future: then
 * the packet is as of now.
 */
export function evidenceAt(
  day: string,
  today: string,
  now: Date = new Date(),
): string | undefined {
  if (day === today) return undefined;
  const end = `${day}T23:59:59.999Z`;
  return Date.parse(end) < now.getTime() ? end : undefined;
}

/** Whether a day can be asked for: a real date, not after today. */
export function isEvidenceDay(day: string, today: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(day) &&
    !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) &&
    day <= today
  );
}

function dayHint(day: string, today: string): string {
  if (!isEvidenceDay(day, today)) return 'Choose a day up to today.';
  if (day === today) return 'Today: as of now.';
  return 'As it stood at the end of that day (UTC).';
}

const FORMATS: { format: EvidenceFormat; label: string }[] = [
  { format: 'json', label: 'Download JSON' },
  { format: 'md', label: 'Download Markdown' },
];

/**
 * The audit evidence packet of the account, for today or a past day, as JSON (for tools) or
 * Markdown (for people). It is fetched with the user's token and saved from memory.
 */
export function EvidencePanel(props: { accountId: string }) {
  const { accountId } = props;
  const api = useApi(cisAwsApiRef);
  const today = localDay(new Date());
  const [day, setDay] = useState(today);
  const [busy, setBusy] = useState<EvidenceFormat>();
  const [failure, setFailure] = useState<Error>();
  const valid = isEvidenceDay(day, today);

  const download = async (format: EvidenceFormat) => {
    setBusy(format);
    setFailure(undefined);
    try {
      const packet = await api.downloadEvidence(
        accountId,
        format,
        evidenceAt(day, today),
      );
      downloadBlob(
        new Blob([packet.text], { type: packet.contentType }),
        packet.filename,
      );
    } catch (e) {
      setFailure(toError(e));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <InfoCard
      title="Evidence"
      subheader="The audit packet: control, result, every trail's chain, history, exceptions"
    >
      <Box data-testid="cis-aws-evidence">
        <Box
          display="flex"
          alignItems="center"
          flexWrap="wrap"
          style={{ gap: 16 }}
        >
          <TextField
            type="date"
            id="cis-aws-evidence-as-of"
            label="As of"
            value={day}
            onChange={e => setDay(e.target.value)}
            InputLabelProps={{ shrink: true }}
            inputProps={{ max: today, 'data-testid': 'cis-aws-evidence-day' }}
            error={!valid}
            helperText={dayHint(day, today)}
          />
          {FORMATS.map(({ format, label }) => (
            <Button
              key={format}
              variant="outlined"
              color="primary"
              disabled={!valid || busy !== undefined}
              onClick={() => download(format)}
            >
              {label}
            </Button>
          ))}
          {busy && <CircularProgress size={20} />}
        </Box>
        {failure && (
          <Alert severity="error" data-testid="cis-aws-evidence-error">
            The evidence packet could not be downloaded: {errorMessage(failure)}
          </Alert>
        )}
        <Typography variant="caption" color="textSecondary" component="p">
          Produced from the stored evaluations and history: no AWS call is made
          and no credential is included.
        </Typography>
      </Box>
    </InfoCard>
  );
}
