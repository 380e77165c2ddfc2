export { countDetectorParameters } from './count-parameters';
export { featureDensity, type FeatureDensity } from './feature-density';
export {
  activationBytesPerFeatureFloat,
  estimateFromParameters,
  estimateRunMemory,
  optimizerSlots,
  type EstimatedConfig,
  type MemoryEstimate,
} from './memory-estimate';
export {
  assertFitsBackend,
  assertFitsMemory,
  describeEstimate,
  formatMegabytes,
  MEMORY_KNOBS,
  RUN_MEMORY_LIMIT_VARIABLE,
  runMemoryLimit,
  RunMemoryError,
  type RunMemoryLimit,
  WASM_HEAP_MAX_BYTES,
  WASM_RUN_MEMORY_LIMIT_BYTES,
} from './memory-limit';
