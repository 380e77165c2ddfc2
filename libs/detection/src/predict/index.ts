export * from './predict';
export * from './evaluate-detector';
export * from './from-checkpoint';
export * from './score-detections';
