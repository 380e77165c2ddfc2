export * from './focal-loss';
export * from './smooth-l1';
export * from './softplus';
export * from './mask-loss';
