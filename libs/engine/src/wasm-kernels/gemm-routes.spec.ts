import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../init-backend';
import { convGeometry } from './conv-geometry';
import { prefersGemmInputGradient } from './input-gradient-gemm';
import { prefersConvolutionPerPhase } from './polyphase';
import { filterGradientRoute } from './filter-gradient-gemm';

/**
 * The conv-gradients spec checks every route's numbers against the cpu kernels; this one checks
 * that its shapes really exercise each route, and the heap Slice the tap-slice route relies on.
 */
describe('routes of the wasm convolution gradients', () => {
  const geometry = (h: number, w: number, c: number, o: number, k: number, stride: number, pad: 'same' | 'valid', dilation = 1) =>
    convGeometry([2, h, w, c], [k, k, c, o], { strides: stride, pad, dilations: dilation }, false);

  it('picks the filter-gradient route by how much of the padded grid is output', () => {
    expect(filterGradientRoute(geometry(5, 6, 3, 4, 1, 1, 'valid'))).toBe('pointwise');
    expect(filterGradientRoute(geometry(24, 23, 3, 4, 3, 1, 'same'))).toBe('tap-slices');
    expect(filterGradientRoute(geometry(24, 21, 3, 4, 3, 2, 'same'))).toBe('tap-slices');
    expect(filterGradientRoute(geometry(22, 20, 9, 5, 3, 2, 'same'))).toBe('tap-slices');
    expect(filterGradientRoute(geometry(25, 24, 2, 3, 3, 2, 'valid'))).toBe('tap-slices');
    expect(filterGradientRoute(geometry(40, 38, 2, 3, 3, 1, 'same', 2))).toBe('tap-slices');
    expect(filterGradientRoute(geometry(8, 7, 4, 5, 3, 1, 'same'))).toBe('host-columns');
    expect(filterGradientRoute(geometry(14, 14, 16, 16, 3, 1, 'same'))).toBe('tap-slices'); // a mask head's RoI map
    expect(filterGradientRoute(geometry(12, 12, 16, 16, 3, 1, 'same'))).toBe('host-columns');
    expect(filterGradientRoute(geometry(7, 9, 3, 5, 1, 2, 'same'))).toBe('tap-slices'); // 1×1: the grid is the output
    expect(filterGradientRoute(geometry(9, 7, 2, 3, 3, 2, 'valid'))).toBe('host-columns');
  });

  it('runs the strided input gradient per phase with empty phases or many channels', () => {
    expect(prefersConvolutionPerPhase(geometry(7, 9, 3, 5, 1, 2, 'same'), 3)).toBe(true); // 1×1: 3 empty phases
    expect(prefersConvolutionPerPhase(geometry(9, 11, 32, 5, 3, 2, 'same'), 32)).toBe(true);
    expect(prefersGemmInputGradient(geometry(9, 11, 32, 5, 3, 2, 'same'), 5)).toBe(false); // so the per-phase route runs
    expect(prefersConvolutionPerPhase(geometry(12, 11, 32, 4, 5, 2, 'valid'), 32)).toBe(true);
    expect(prefersConvolutionPerPhase(geometry(7, 9, 3, 6, 3, 2, 'same'), 3)).toBe(false);
  });

  it('takes the GEMM input gradient only when output pixels are few per output channel', () => {
    expect(prefersGemmInputGradient(geometry(3, 4, 3, 16, 3, 1, 'same'), 16)).toBe(true);
    expect(prefersGemmInputGradient(geometry(5, 7, 3, 16, 3, 2, 'same'), 16)).toBe(true);
    expect(prefersGemmInputGradient(geometry(6, 6, 2, 16, 3, 2, 'valid'), 16)).toBe(true);
    expect(prefersGemmInputGradient(geometry(4, 5, 2, 16, 3, 1, 'same', 2), 16)).toBe(true);
    expect(prefersGemmInputGradient(geometry(8, 7, 4, 5, 3, 1, 'same'), 5)).toBe(false);
  });

  it('slices like the cpu backend (float, int, bool; short and long runs; whole trailing axes)', async () => {
    await initBackend('wasm', { log: () => undefined });
    const boxes: Array<[number[], number[], number[]]> = [
      [[6, 5, 4, 130], [1, 2, 0, 0], [4, 2, 4, 130]],
      [[6, 5, 4, 130], [0, 1, 1, 3], [6, 3, 2, 100]],
      [[6, 5, 4, 3], [2, 0, 1, 1], [3, 5, 3, 2]],
      [[1000], [17], [900]],
      [[9, 7], [3, 0], [2, 7]],
    ];
    for (const [shape, begin, size] of boxes) {
      for (const dtype of ['float32', 'int32', 'bool'] as const) {
        const n = shape.reduce((a, b) => a * b, 1);
        const values = Array.from({ length: n }, (_, i) => (dtype === 'bool' ? i % 3 === 0 : dtype === 'int32' ? i - 50 : i * 0.5));
        const sliced = (backend: string) => {
          return tf.tidy(() => {
            tf.setBackend(backend);
            return Array.from(tf.slice(tf.tensor(values as number[], shape, dtype), begin, size).dataSync());
          });
        };
        const expected = sliced('cpu');
        expect(sliced('wasm')).toEqual(expected);
      }
    }
    await tf.setBackend('wasm');
  });
});
