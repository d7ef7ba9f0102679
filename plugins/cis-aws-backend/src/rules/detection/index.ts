export * from './judgePattern';
export * from './evaluateDetection';
