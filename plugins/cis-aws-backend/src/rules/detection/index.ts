export * from './judgePattern';
export * from './evaluateDetection';
export * from './accountDetection';
