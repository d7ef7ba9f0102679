/**
 * The `cis-aws-evidence` command (this package's bin): the audit evidence packets of every
 * account, exported from the plugin's own database.
 *
 * @packageDocumentation
 */
export { runEvidenceCli } from './evidence';
export type { EvidenceCliEnvironment } from './evidence';
