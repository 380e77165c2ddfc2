export * from './experiment-error';
export * from './eval-source';
export * from './run-training';
export * from './predict-dataset';
export { BackendOutOfMemoryError, failClearlyOnBackendAbort, isBackendAbort } from './backend-abort';
export { ablatePackageVersion, gitState, reproducibilityRecord, type DatasetFingerprintRecord, type ReproducibilityRecord } from './reproducibility';
