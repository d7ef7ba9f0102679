/**
 * Types, verdicts, reason codes and pure helpers shared by the CIS AWS 2.4 plugins.
 *
 * @packageDocumentation
 */
export * from './verdicts';
export * from './reasonText';
export * from './facts';
export * from './results';
export * from './exceptions';
export * from './api';
export * from './annotations';
export * from './permissions';
export * from './consoleLinks';
export * from './evidence';
export * from './techInsights';
export * from './diagnostics';
export * from './readerPolicy';
export * from './apiErrors';
export * from './detection';
export * from './trends';
