/**
 * @ablate/detection — the detector: pure TypeScript and TensorFlow.js. Knows nothing of HTTP,
 * queues or SQL. Its public API is what this file exports.
 */
export * from './config';
export * from './structures';
export * from './boxes';
export * from './anchors';
export * from './matcher';
export * from './losses';
export * from './postprocess';
export * from './eval';
export * from './models';
export * from './train';
export * from './predict';
export * from './roi';
export * from './masks';
export * from './memory';
