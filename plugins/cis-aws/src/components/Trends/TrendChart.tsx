import { InfoCard, Progress } from '@backstage/core-components';
import { Box, Button, ButtonGroup, Typography } from '@material-ui/core';
import { useState } from 'react';
import { useTrend } from '../../hooks';
import { downloadBlob, errorMessage } from '../common';
import { percent, TREND_STACK, TrendSvg, useVerdictColors } from './TrendSvg';
import { trendCsvFileName, trendToCsv } from './trendCsv';

/** The periods a reader may choose, in days. */
export const TREND_PERIODS = [30, 90, 365] as const;

/**
 * "Compliance over time": the compliant share and the accounts per verdict per day, for the
 * organization (no entityRef) or a team, system, user or account, over 30, 90 or 365 days,
 * with the series as CSV. From the backend's stored daily verifications (`GET /v1/trends`).
 */
export function TrendChart(props: { entityRef?: string }) {
  const { entityRef } = props;
  const [days, setDays] = useState<number>(TREND_PERIODS[0]);
  const trend = useTrend(entityRef, days);
  const colors = useVerdictColors();
  const points = trend.value?.points ?? [];
  const evaluated = points.filter(p => p.compliantShare !== null);
  const latest = evaluated[evaluated.length - 1];
  const first = evaluated[0];

  return (
    <InfoCard
      title="Compliance over time"
      subheader={
        latest && first
          ? `${percent(latest.compliantShare!)} compliant on ${
              latest.date
            } (${percent(first.compliantShare!)} on ${first.date})`
          : undefined
      }
      action={
        <ButtonGroup size="small" aria-label="Period">
          {TREND_PERIODS.map(period => (
            <Button
              key={period}
              aria-pressed={period === days}
              variant={period === days ? 'contained' : 'outlined'}
              color="primary"
              onClick={() => setDays(period)}
            >
              {period} days
            </Button>
          ))}
        </ButtonGroup>
      }
    >
      {trend.loading && <Progress />}
      {trend.error && (
        <Typography color="error" role="alert">
          The trend could not be loaded: {errorMessage(trend.error)}
        </Typography>
      )}
      {trend.value && (
        <>
          {evaluated.length === 0 ? (
            <Typography variant="body2" color="textSecondary">
              No account was evaluated in the last {days} days.
            </Typography>
          ) : (
            <TrendSvg points={points} />
          )}
          <Box
            display="flex"
            flexWrap="wrap"
            alignItems="center"
            justifyContent="space-between"
            mt={1}
          >
            <Typography variant="caption" color="textSecondary" component="div">
              Line: compliant share (PASS and EXEMPT) of the accounts verified
              each UTC day. Bars: accounts per verdict{' '}
              {TREND_STACK.map(v => (
                <Box component="span" key={v} mr={1} whiteSpace="nowrap">
                  <Box
                    component="span"
                    display="inline-block"
                    width={10}
                    height={10}
                    mr={0.5}
                    style={{ background: colors[v] }}
                    aria-hidden
                  />
                  {v}
                </Box>
              ))}
            </Typography>
            <Button
              size="small"
              onClick={() =>
                downloadBlob(
                  new Blob([trendToCsv(trend.value!)], {
                    type: 'text/csv;charset=utf-8',
                  }),
                  trendCsvFileName(trend.value!),
                )
              }
            >
              Download series (CSV)
            </Button>
          </Box>
        </>
      )}
    </InfoCard>
  );
}
