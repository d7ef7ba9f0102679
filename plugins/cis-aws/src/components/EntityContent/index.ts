export { EntityCisAwsContent } from './EntityCisAwsContent';
