export { EntityCisAwsCard } from './EntityCisAwsCard';
export type { EntityCisAwsCardProps } from './EntityCisAwsCard';
