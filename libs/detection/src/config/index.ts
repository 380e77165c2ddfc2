export * from './paper-constants';
export * from './detector-config';
// The composed config's types, where the modules of this library have always found them (type-only: no import cycle at run time).
export type { DetectorConfig, DetectorConfigInput, ModelConfig } from '../families/config-schema';
