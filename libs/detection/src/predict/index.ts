export * from './predict';
export * from './evaluate-detector';
