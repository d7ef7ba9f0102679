export { TrendChart, TREND_PERIODS } from './TrendChart';
export { TrendSvg, describePoint } from './TrendSvg';
export { trendToCsv, trendCsvFileName } from './trendCsv';
