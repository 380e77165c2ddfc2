import * as tf from '@tensorflow/tfjs-core';
import enginePackage from '../package.json';
import { TfjsVersionMismatchError } from './engine-errors';

/** The exact TensorFlow.js versions the engine was built for, from its package.json. */
export const PINNED_TFJS: Readonly<Record<string, string>> = enginePackage.dependencies;

/** Throws when `installed` of `packageName` is not the pinned version. */
export function assertPinnedVersion(packageName: string, installed: string): void {
  const builtFor = PINNED_TFJS[packageName];
  if (builtFor !== undefined && installed !== builtFor) throw new TfjsVersionMismatchError(packageName, installed, builtFor);
}

/** Checks tfjs-core, whose kernel registry the engine rewrites, before any backend is chosen. */
export function assertPinnedCore(): void {
  assertPinnedVersion('@tensorflow/tfjs-core', tf.version_core);
}
