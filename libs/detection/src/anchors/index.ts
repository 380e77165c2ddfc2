export * from './anchor-generator';
export * from './anchor-presets';
