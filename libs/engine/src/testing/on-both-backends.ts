import * as tf from '@tensorflow/tfjs-core';

/** Runs `compute` on the cpu backend (the reference), then on wasm; returns [wasm, cpu]. Leaves wasm active. */
export async function onBothBackends<T>(compute: () => T): Promise<[T, T]> {
  await tf.setBackend('cpu');
  const reference = compute();
  await tf.setBackend('wasm');
  return [compute(), reference];
}
