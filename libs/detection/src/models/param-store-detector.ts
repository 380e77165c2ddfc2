import type * as tf from '@tensorflow/tfjs-core';
import type { DetectorConfig } from '../config';
import type { ParamStore } from '../nn';
import { loadBackboneWeights, type LoadedWeights } from './backbones/backbone-weights';

/**
 * What every built detector (one-stage and two-stage) shares: a config, a square input side, and
 * all of its variables in one ParamStore — so reading, loading, counting and freeing them, and
 * checking an input batch, are written once here.
 */
export abstract class ParamStoreDetector {
  readonly config: DetectorConfig;
  readonly inputSize: number;
  protected readonly params: ParamStore;

  protected constructor(parts: { config: DetectorConfig; inputSize: number; params: ParamStore }) {
    this.config = parts.config;
    this.inputSize = parts.inputSize;
    this.params = parts.params;
  }

  trainableVariables(): Map<string, tf.Variable> {
    return this.params.trainable();
  }

  /** Trainable variables and the non-trainable state (batch-norm moving statistics): what a checkpoint saves. */
  allVariables(): Map<string, tf.Variable> {
    return this.params.all();
  }

  /**
   * Loads a backbone weights file (format in backbones/backbone-weights.ts) into this detector's
   * `backbone.*` variables. @throws ModelConfigError naming the file and entry on a mismatch.
   */
  loadBackboneWeights(path: string): LoadedWeights {
    return loadBackboneWeights(this.allVariables(), path);
  }

  /** Number of trainable scalars. */
  countParameters(): number {
    return this.params.countTrainableParameters();
  }

  dispose(): void {
    this.params.dispose();
  }

  /** @throws RangeError unless `images` is `[B, inputSize, inputSize, 3]`; `who` names the caller in the message. */
  protected checkImages(images: tf.Tensor4D, who: string): void {
    const [, h, w, c] = images.shape;
    if (images.rank !== 4 || h !== this.inputSize || w !== this.inputSize || c !== 3) {
      throw new RangeError(`${who}: images must be [B, ${this.inputSize}, ${this.inputSize}, 3], got [${images.shape.join(', ')}]`);
    }
  }
}
