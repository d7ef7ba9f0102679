export * from './judgePattern';
export * from './evaluateDetection';
export * from './accountDetection';
export * from './accountScope';
