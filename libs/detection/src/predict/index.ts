export * from './predict';
export * from './evaluate-detector';
export * from './from-checkpoint';
