export * from './checks';
export * from './filterPattern';
export * from './types';
