import {
  TrendPoint,
  Verdict,
  VERDICT_SEVERITY_ORDER,
} from '@cis-aws/plugin-cis-aws-common';
import { useTheme } from '@material-ui/core';

const WIDTH = 720;
const SHARE_TOP = 10;
const SHARE_HEIGHT = 140;
const BARS_TOP = 170;
const BARS_HEIGHT = 60;
const HEIGHT = BARS_TOP + BARS_HEIGHT + 22;
const LEFT = 44;
const RIGHT = 8;

/** Stacked from the bottom: the good news first, failures on top where the eye lands. */
const STACK: readonly Verdict[] = [...VERDICT_SEVERITY_ORDER].reverse();

/** The colour of each verdict in the chart and its legend. */
export function useVerdictColors(): Record<Verdict, string> {
  const theme = useTheme();
  return {
    PASS: theme.palette.success?.main ?? '#2e7d32',
    EXEMPT: theme.palette.info?.main ?? '#0288d1',
    UNKNOWN: theme.palette.grey[500],
    ERROR: theme.palette.warning?.main ?? '#ed6c02',
    FAIL: theme.palette.error.main,
  };
}

export function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

/** One day in words, as a screen reader and a hover read it. */
export function describePoint(point: TrendPoint): string {
  if (point.compliantShare === null) return `${point.date}: not evaluated`;
  const compliant = point.counts.PASS + point.counts.EXEMPT;
  const others = (['FAIL', 'ERROR', 'UNKNOWN', 'EXEMPT'] as const)
    .filter(v => point.counts[v] > 0)
    .map(v => `${point.counts[v]} ${v}`);
  return `${point.date}: ${percent(
    point.compliantShare,
  )} compliant (${compliant} of ${point.accountCount})${
    others.length ? `; ${others.join(', ')}` : ''
  }`;
}

/** Runs of consecutive evaluated days (a day nothing evaluated breaks the line). */
function segments(points: readonly TrendPoint[]): number[][] {
  const runs: number[][] = [];
  let current: number[] = [];
  points.forEach((point, index) => {
    if (point.compliantShare === null) {
      if (current.length) runs.push(current);
      current = [];
    } else current.push(index);
  });
  if (current.length) runs.push(current);
  return runs;
}

/**
 * The compliant share per day as a line over an area (0–100 %), and the accounts per verdict
 * as stacked bars below it. Drawn as plain SVG (no chart library in the app): the image is
 * labelled with a summary and every day carries its numbers as a title, which screen readers
 * and hovering read.
 */
export function TrendSvg(props: { points: readonly TrendPoint[] }) {
  const { points } = props;
  const theme = useTheme();
  const colors = useVerdictColors();
  const n = Math.max(points.length, 1);
  const step = (WIDTH - LEFT - RIGHT) / n;
  const x = (index: number) => LEFT + step * (index + 0.5);
  const y = (share: number) => SHARE_TOP + (1 - share) * SHARE_HEIGHT;
  const maxAccounts = Math.max(1, ...points.map(p => p.accountCount));

  const evaluated = points.filter(p => p.compliantShare !== null);
  const summary = evaluated.length
    ? `Compliant share per day from ${points[0].date} to ${
        points[points.length - 1].date
      }: ${percent(evaluated[0].compliantShare!)} on ${
        evaluated[0].date
      }, ${percent(evaluated[evaluated.length - 1].compliantShare!)} on ${
        evaluated[evaluated.length - 1].date
      }, lowest ${percent(Math.min(...evaluated.map(p => p.compliantShare!)))}.`
    : 'No account was evaluated in this period.';

  const labelEvery = Math.max(1, Math.ceil(n / 6));
  return (
    <svg
      role="img"
      aria-label={summary}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width="100%"
      style={{ maxHeight: 320, display: 'block' }}
      data-testid="cis-trend-svg"
    >
      <title>{summary}</title>
      {[0, 0.5, 1].map(share => (
        <g key={share}>
          <line
            x1={LEFT}
            x2={WIDTH - RIGHT}
            y1={y(share)}
            y2={y(share)}
            stroke={theme.palette.divider}
          />
          <text
            x={LEFT - 6}
            y={y(share) + 4}
            textAnchor="end"
            fontSize={11}
            fill={theme.palette.text.secondary}
          >
            {share * 100}%
          </text>
        </g>
      ))}
      {segments(points).map(run => {
        const line = run
          .map(
            (i, k) => `${k ? 'L' : 'M'}${x(i)},${y(points[i].compliantShare!)}`,
          )
          .join(' ');
        const area = `${line} L${x(run[run.length - 1])},${y(0)} L${x(
          run[0],
        )},${y(0)} Z`;
        return (
          <g key={run[0]} data-testid="cis-trend-segment">
            <path d={area} fill={colors.PASS} fillOpacity={0.12} />
            <path d={line} fill="none" stroke={colors.PASS} strokeWidth={2} />
          </g>
        );
      })}
      {points.map((point, index) => {
        let top = BARS_TOP + BARS_HEIGHT;
        return (
          <g
            key={point.date}
            data-testid="cis-trend-day"
            data-date={point.date}
          >
            <title>{describePoint(point)}</title>
            {/* The whole column answers hover, not only the thin line. */}
            <rect
              x={LEFT + step * index}
              y={SHARE_TOP}
              width={step}
              height={BARS_TOP + BARS_HEIGHT - SHARE_TOP}
              fill="transparent"
            />
            {point.compliantShare !== null && (
              <circle
                cx={x(index)}
                cy={y(point.compliantShare)}
                r={n > 120 ? 1.5 : 3}
                fill={colors.PASS}
              />
            )}
            {STACK.map(verdict => {
              const count = point.counts[verdict] ?? 0;
              if (!count) return null;
              const height = (count / maxAccounts) * BARS_HEIGHT;
              top -= height;
              return (
                <rect
                  key={verdict}
                  data-verdict={verdict}
                  x={LEFT + step * index + step * 0.15}
                  y={top}
                  width={step * 0.7}
                  height={height}
                  fill={colors[verdict]}
                />
              );
            })}
            {index % labelEvery === 0 && (
              <text
                x={x(index)}
                y={HEIGHT - 6}
                textAnchor="middle"
                fontSize={11}
                fill={theme.palette.text.secondary}
              >
                {point.date.slice(5)}
              </text>
            )}
          </g>
        );
      })}
      <text
        x={LEFT - 6}
        y={BARS_TOP + 10}
        textAnchor="end"
        fontSize={11}
        fill={theme.palette.text.secondary}
      >
        {maxAccounts}
      </text>
    </svg>
  );
}

/** Which colour stands for which verdict under the chart. */
export const TREND_STACK = STACK;
