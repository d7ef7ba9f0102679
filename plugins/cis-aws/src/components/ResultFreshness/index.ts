export { ResultFreshness, freshnessText } from './ResultFreshness';
