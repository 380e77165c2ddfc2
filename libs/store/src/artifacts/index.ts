export * from './artifact-store';
export * from './pg-artifact-store';
export * from './directory-artifact-store';
export * from './checkpoint-store';
