import * as tf from '@tensorflow/tfjs-core';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ModelConfigError } from '../model-error';

/**
 * # Backbone weights file format
 *
 * A JSON manifest in the layout of a TensorFlow.js `model.json`'s `weightsManifest` (so files
 * written by `tf.io` or `tensorflowjs_converter` can be reused), with binary shards beside it:
 *
 * ```json
 * { "format": "ablate-weights",
 *   "weightsManifest": [{ "paths": ["backbone.bin"],
 *                         "weights": [{ "name": "layer1.0.conv1.weight", "shape": [3, 3, 16, 16], "dtype": "float32" }, …] }] }
 * ```
 *
 * Shards are the little-endian float32 values of the weights in manifest order, concatenated
 * (tfjs's `io.encodeWeights`). Names are the backbone's variable names, with or without the
 * `backbone.` prefix (torchvision names for ResNet, `stem_conv.weight`, `blocks.3.se.reduce.weight` …
 * for EfficientNet). Kernels are TensorFlow's `[kh, kw, in, out]` (PyTorch's `[out, in, kh, kw]`
 * must be transposed by `(2, 3, 1, 0)`, depthwise `[C, 1, kh, kw]` to `[kh, kw, C, 1]`).
 * Batch-norm moving statistics (`running_mean`, `running_var`) are loaded too.
 */
export interface WeightsManifestFile {
  format?: string;
  weightsManifest: tf.io.WeightsManifestConfig;
}

/** What {@link loadBackboneWeights} did. */
export interface LoadedWeights {
  /** Variable names (without prefix) that were assigned. */
  loaded: string[];
  /** Backbone variables the file lacks (left at their initial values). */
  missing: string[];
}

/**
 * Reads a weights file (format above) and returns its tensors by name; the caller owns them.
 * @throws ModelConfigError naming the file or entry if it is unreadable or malformed.
 */
export function readWeightsFile(path: string): Map<string, tf.Tensor> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ModelConfigError(path, `cannot read weights manifest (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let manifest: WeightsManifestFile;
  try {
    manifest = JSON.parse(text) as WeightsManifestFile;
  } catch (e) {
    // JSON.parse quotes the text around the error: never echo a file's contents to the user.
    const at = /position \d+/.exec((e as Error).message)?.[0];
    throw new ModelConfigError(path, `weights manifest is not valid JSON${at ? ` (at ${at})` : ''}`);
  }
  if (!Array.isArray(manifest?.weightsManifest)) throw new ModelConfigError(path, 'no "weightsManifest" array');
  const out = new Map<string, tf.Tensor>();
  manifest.weightsManifest.forEach((group, g) => {
    const buffers = group.paths.map((p) => {
      try {
        const b = readFileSync(join(dirname(path), p));
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
      } catch (e) {
        throw new ModelConfigError(`${path} weightsManifest[${g}].paths`, `cannot read shard ${p}: ${(e as Error).message}`);
      }
    });
    let tensors: tf.NamedTensorMap;
    try {
      tensors = tf.io.decodeWeights(tf.io.concatenateArrayBuffers(buffers), group.weights);
    } catch (e) {
      throw new ModelConfigError(`${path} weightsManifest[${g}]`, `shards do not match the weight specs: ${(e as Error).message}`);
    }
    for (const [name, t] of Object.entries(tensors)) out.set(name, t);
  });
  return out;
}

/**
 * Loads a backbone weights file (format above) into `variables` (a detector's `allVariables()`),
 * matching `backbone.<name>` by name and shape.
 *
 * @throws ModelConfigError if a weight in the file matches no backbone variable or has another shape
 *   (naming the entry), so a file for another architecture or width fails loudly.
 */
export function loadBackboneWeights(variables: Map<string, tf.Variable>, path: string, prefix = 'backbone.'): LoadedWeights {
  const tensors = readWeightsFile(path);
  try {
    const loaded: string[] = [];
    for (const [rawName, t] of tensors) {
      const name = rawName.startsWith(prefix) ? rawName.slice(prefix.length) : rawName;
      const v = variables.get(prefix + name);
      if (v === undefined) throw new ModelConfigError(`${path}: ${rawName}`, `no backbone variable "${prefix + name}"`);
      if (!tf.util.arraysEqual(v.shape, t.shape)) {
        throw new ModelConfigError(`${path}: ${rawName}`, `shape [${t.shape.join(', ')}] ≠ the model's [${v.shape.join(', ')}]`);
      }
      const value = t.dtype === 'float32' ? t : tf.cast(t, 'float32');
      v.assign(value);
      if (value !== t) value.dispose();
      loaded.push(name);
    }
    const have = new Set(loaded);
    const missing = [...variables.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length))
      .filter((k) => !have.has(k));
    return { loaded, missing };
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
}

/**
 * Writes `backbone.*` variables of `variables` as a weights file (manifest `path`, shard beside it)
 * in the format above, so weights trained here can seed another run's backbone.
 */
export async function saveBackboneWeights(variables: Map<string, tf.Variable>, path: string, prefix = 'backbone.'): Promise<void> {
  const named: tf.NamedTensorMap = {};
  for (const [k, v] of variables) if (k.startsWith(prefix)) named[k.slice(prefix.length)] = v;
  const { data, specs } = await tf.io.encodeWeights(named);
  const shard = `${basename(path).replace(/\.json$/, '')}.bin`;
  writeFileSync(join(dirname(path), shard), Buffer.from(data));
  const manifest: WeightsManifestFile = { format: 'ablate-weights', weightsManifest: [{ paths: [shard], weights: specs }] };
  writeFileSync(path, JSON.stringify(manifest));
}
