// The gradient registry: @tensorflow/tfjs registers every op's gradient on the shared tfjs-core.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@ablate/engine';
import { maskLoss, maskProbabilities } from '../../losses/mask-loss';
import { maskTargetFromBitmap, maskTargetsFromBitmaps } from '../../masks/bitmap-targets';
import { pasteDetectionMasks } from '../../masks/paste-detections';
import { rleDecode } from '../../masks/rle';
import { ParamStore } from '../../nn';
import type { ImageMeta, InstanceMasks } from '../../structures/batch';
import { MaskHead } from './mask-head';

beforeAll(async () => {
  await initBackend('cpu', { log: () => undefined });
});

/** One image's masks from full S×S row-major bitmaps (each stored as its whole-image window). */
function bitmapsToInstanceMasks(S: number, bitmaps: Uint8Array[]): InstanceMasks {
  const windows = new Int32Array(4 * bitmaps.length);
  const offsets = new Int32Array(bitmaps.length);
  const data = new Uint8Array(S * S * bitmaps.length);
  bitmaps.forEach((b, k) => {
    windows.set([0, 0, S, S], 4 * k);
    offsets[k] = k * S * S;
    data.set(b, k * S * S);
  });
  return { inputSize: S, windows, offsets, data };
}

function rect(S: number, x0: number, y0: number, x1: number, y1: number): Uint8Array {
  const out = new Uint8Array(S * S);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out[y * S + x] = 1;
  return out;
}

describe('mask head (Mask R-CNN Fig. 4)', () => {
  it('maps [R, 14, 14, C] RoI features to [R, 28, 28, K] (K + 1 for softmax), and R = 0 to an empty result', () => {
    const store = new ParamStore(1);
    const sig = new MaskHead(store.scope('sig'), { inChannels: 8, numClasses: 3, convDim: 16 });
    const soft = new MaskHead(store.scope('soft'), { inChannels: 8, numClasses: 3, convDim: 16, loss: 'softmax', norm: 'group' });
    const x = tf.randomNormal([2, 14, 14, 8], 0, 1, 'float32', 3) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const a = sig.apply(x, true);
    const b = soft.apply(x, false);
    const empty = sig.apply(tf.zeros([0, 14, 14, 8]) as tf.Tensor4D, true);
    expect(a.shape).toEqual([2, 28, 28, 3]);
    expect(b.shape).toEqual([2, 28, 28, 4]);
    expect(empty.shape).toEqual([0, 28, 28, 3]);
    tf.dispose([a, b, empty]);
    // Only the zeros input of the empty call was created outside the head.
    expect(tf.memory().numTensors).toBe(before + 1);
    // 4 convs (w + b) + deconv (w + b) + predictor (w + b).
    expect([...store.trainable().keys()].filter((k) => k.startsWith('sig.'))).toHaveLength(12);
    x.dispose();
    store.dispose();
  });

  it('trains: every head variable and the RoI features receive a non-zero gradient, without leaking tensors', () => {
    const store = new ParamStore(2);
    const head = new MaskHead(store.scope('mask'), { inChannels: 4, numClasses: 2, convDim: 8, numConvs: 2 });
    const features = tf.randomNormal([3, 14, 14, 4], 0, 1, 'float32', 5) as tf.Tensor4D;
    const targets = tf.tensor3d(Float32Array.from({ length: 3 * 28 * 28 }, (_, i) => ((i % 28) < 14 ? 1 : 0)), [3, 28, 28]);
    const before = tf.memory().numTensors;
    const vars = [...store.trainable().values()];
    const { value, grads } = tf.variableGrads(() => maskLoss(head.apply(features, true), targets, [0, 1, 1], 'sigmoid'), vars);
    const largest = (t: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]!);
    for (const v of vars) {
      const g = grads[v.name];
      expect(g).toBeDefined();
      expect(largest(g!)).toBeGreaterThan(0);
    }
    const gx = tf.grad((f: tf.Tensor) => maskLoss(head.apply(f as tf.Tensor4D, true), targets, [0, 1, 1], 'sigmoid'))(features);
    expect(largest(gx)).toBeGreaterThan(0);
    tf.dispose([value, gx, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([features, targets]);
    store.dispose();
  });

  it('sigmoid loss: only the GT class channel matters (its value and its gradient); softmax couples the channels', () => {
    const r = 2, m = 4, k = 3;
    const logits = tf.randomNormal([r, m, m, k], 0, 2, 'float32', 7) as tf.Tensor4D;
    const targets = tf.tensor3d(Float32Array.from({ length: r * m * m }, (_, i) => i % 3 === 0 ? 1 : 0), [r, m, m]);
    const classes = [2, 0];
    const g = tf.grad((x: tf.Tensor) => maskLoss(x as tf.Tensor4D, targets, classes, 'sigmoid'))(logits);
    const gv = g.dataSync();
    let otherNonZero = 0;
    let gtNonZero = 0;
    for (let i = 0; i < gv.length; i++) {
      const roi = Math.floor(i / (m * m * k));
      const channel = i % k;
      if (channel === classes[roi]) gtNonZero += gv[i] !== 0 ? 1 : 0;
      else otherNonZero += gv[i] !== 0 ? 1 : 0;
    }
    expect(otherNonZero).toBe(0);
    expect(gtNonZero).toBe(r * m * m);
    // Changing every other channel leaves the loss unchanged.
    const otherMask = tf.reshape(tf.oneHot(tf.tensor1d(classes, 'int32'), k), [r, 1, 1, k]);
    const perturbed = tf.add(logits, tf.mul(tf.sub(1, otherMask), 5)) as tf.Tensor4D;
    const l0 = maskLoss(logits, targets, classes, 'sigmoid').dataSync()[0]!;
    const l1 = maskLoss(perturbed, targets, classes, 'sigmoid').dataSync()[0]!;
    expect(l1).toBeCloseTo(l0, 6);
    // Softmax over the K + 1 channels: the same perturbation (on channels 0..k−1 of a 4-channel
    // logit) changes the loss — the classes compete.
    const soft = tf.randomNormal([r, m, m, k + 1], 0, 2, 'float32', 8) as tf.Tensor4D;
    const gs = tf.grad((x: tf.Tensor) => maskLoss(x as tf.Tensor4D, targets, classes, 'softmax'))(soft).dataSync();
    expect(Array.from(gs).filter((v, i) => i % (k + 1) !== 0 && i % (k + 1) !== classes[Math.floor(i / (m * m * (k + 1)))]! + 1 && v !== 0).length).toBeGreaterThan(0);
    tf.dispose([logits, targets, g, otherMask, perturbed, soft]);
  });

  it('loss values by hand: zero logits give log 2 (sigmoid) and log(K + 1) (softmax)', () => {
    const t = tf.tensor3d([1, 0, 0, 1], [1, 2, 2]);
    expect(maskLoss(tf.zeros([1, 2, 2, 3]), t, [1], 'sigmoid').dataSync()[0]).toBeCloseTo(Math.log(2), 6);
    expect(maskLoss(tf.zeros([1, 2, 2, 4]), t, [1], 'softmax').dataSync()[0]).toBeCloseTo(Math.log(4), 6);
    // Logit +10 on the right pixels of class 1's channel: near zero loss.
    const right = tf.tensor4d(Array.from({ length: 12 }, (_, i) => (i % 3 === 1 ? ([1, 0, 0, 1][Math.floor(i / 3)] ? 10 : -10) : 0)), [1, 2, 2, 3]);
    expect(maskLoss(right, t, [1], 'sigmoid').dataSync()[0]).toBeLessThan(1e-4);
    expect(() => maskLoss(tf.zeros([1, 2, 2, 3]), t, [3], 'sigmoid')).toThrow(/class 3, outside \[0, 3\)/);
    expect(maskLoss(tf.zeros([0, 2, 2, 3]), tf.zeros([0, 2, 2]), [], 'sigmoid').dataSync()[0]).toBe(0);
  });

  it('maskProbabilities takes the predicted class\'s channel', () => {
    const logits = tf.tensor4d([0, 2, -2, 0, 2, -2], [2, 1, 1, 3]);
    expect(Array.from(maskProbabilities(logits, [1, 2], 'sigmoid').dataSync())).toEqual([expect.closeTo(1 / (1 + Math.exp(-2)), 6), expect.closeTo(1 / (1 + Math.exp(2)), 6)]);
    const soft = tf.tensor4d([0, Math.log(3), 0, 0], [1, 1, 1, 4]);
    // softmax of [0, ln 3, 0, 0] = [1, 3, 1, 1] / 6; class 0 is channel 1.
    expect(maskProbabilities(soft, [0], 'softmax').dataSync()[0]).toBeCloseTo(0.5, 6);
  });
});

describe('mask targets from bitmaps', () => {
  it('crops a hand-made mask to the RoI: exact box → all ones, half overlap → half columns, outside → zeros', () => {
    const S = 32;
    // Instance 0: the square x ∈ [8, 16), y ∈ [4, 12). Instance 1: empty window.
    const masks = bitmapsToInstanceMasks(S, [rect(S, 8, 4, 16, 12)]);
    const m = 8;
    const out = new Float32Array(m * m);
    maskTargetFromBitmap(masks, 0, [8, 4, 16, 12], m, out);
    expect(Array.from(out).every((v) => v === 1)).toBe(true);
    // RoI [12, 4, 20, 12]: its left half (x < 16) is the mask.
    maskTargetFromBitmap(masks, 0, [12, 4, 20, 12], m, out);
    for (let y = 0; y < m; y++) expect(Array.from(out.subarray(y * m, (y + 1) * m))).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    // RoI twice the mask, centred: the middle half in each direction.
    maskTargetFromBitmap(masks, 0, [4, 0, 20, 16], m, out);
    for (let y = 0; y < m; y++) for (let x = 0; x < m; x++) expect(out[y * m + x]).toBe(x >= 2 && x < 6 && y >= 2 && y < 6 ? 1 : 0);
    maskTargetFromBitmap(masks, 0, [20, 20, 30, 30], m, out);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it('compact windows give the same targets as whole-image bitmaps; batches index images and instances', () => {
    const S = 24;
    const full = bitmapsToInstanceMasks(S, [rect(S, 2, 3, 9, 20), rect(S, 10, 1, 22, 6)]);
    // The same two instances stored as their own windows.
    const compact: InstanceMasks = {
      inputSize: S,
      windows: Int32Array.of(2, 3, 7, 17, 10, 1, 12, 5),
      offsets: Int32Array.of(0, 7 * 17),
      data: new Uint8Array(7 * 17 + 12 * 5).fill(1),
    };
    const rois = Float32Array.of(1.5, 2.25, 9.75, 19, 9, 0, 23, 7.5, 0, 0, 24, 24);
    const a = maskTargetsFromBitmaps([full, compact], rois, [0, 1, 1], [0, 1, 0], 14);
    const b = maskTargetsFromBitmaps([compact, full], rois, [1, 0, 0], [0, 1, 0], 14);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.reduce((s, v) => s + v, 0)).toBeGreaterThan(0);
    expect(() => maskTargetsFromBitmaps([full], rois, [0, 0, 2], [0, 1, 0], 14)).toThrow(/image 2/);
  });

  it('paste round trip: a target pasted back into the image reproduces the mask (IoU > 0.9), through a letterbox', () => {
    const S = 64;
    // A disc of radius 12 at (30, 26) in input pixels.
    const disc = new Uint8Array(S * S);
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) if ((x + 0.5 - 30) ** 2 + (y + 0.5 - 26) ** 2 <= 144) disc[y * S + x] = 1;
    const masks = bitmapsToInstanceMasks(S, [disc]);
    const box = Float32Array.of(16, 12, 44, 40);
    const target = maskTargetsFromBitmaps([masks], box, [0], [0], 28);
    // The input is the original (100×80) scaled by 0.5 and offset by (4, 2): original = (input − pad) / 0.5.
    const meta: ImageMeta = { imageId: 1, originalWidth: 100, originalHeight: 80, scale: 0.5, padX: 4, padY: 2, flipped: false };
    const [rle] = pasteDetectionMasks(target, 28, box, meta, S);
    const pasted = rleDecode(rle!);
    expect([rle!.h, rle!.w]).toEqual([80, 100]);
    let inter = 0, union = 0;
    for (let x = 0; x < 100; x++) {
      for (let y = 0; y < 80; y++) {
        const ox = ((x + 0.5) * 0.5 + 4 - 30) ** 2, oy = ((y + 0.5) * 0.5 + 2 - 26) ** 2;
        const truth = ox + oy <= 144 ? 1 : 0;
        const p = pasted[x * 80 + y]!;
        inter += truth & p;
        union += truth | p;
      }
    }
    expect(inter / union).toBeGreaterThan(0.9);
    // Flipped placement: the pasted mask is the same image region (the disc is symmetric about its
    // centre only in the flipped frame, so compare the box position).
    const flippedMeta = { ...meta, flipped: true };
    const [rf] = pasteDetectionMasks(target, 28, Float32Array.of(S - 44, 12, S - 16, 40), flippedMeta, S);
    const pf = rleDecode(rf!);
    let same = 0;
    for (let i = 0; i < pf.length; i++) same += pf[i] === pasted[i] ? 1 : 0;
    expect(same / pf.length).toBeGreaterThan(0.99);
  });

  it('runs the head on wasm with the same values as on cpu (transposed conv and its gradient)', async () => {
    const run = () =>
      tf.tidy(() => {
        const store = new ParamStore(4);
        const head = new MaskHead(store.scope('m'), { inChannels: 3, numClasses: 2, convDim: 4, numConvs: 1 });
        const f = tf.randomNormal([2, 14, 14, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
        const t = tf.tensor3d(Float32Array.from({ length: 2 * 784 }, (_, i) => (i % 5 === 0 ? 1 : 0)), [2, 28, 28]);
        const vars = [...store.trainable().values()];
        const { value, grads } = tf.variableGrads(() => maskLoss(head.apply(f, true), t, [1, 0], 'sigmoid'), vars);
        const out = [value.dataSync()[0]!, ...vars.map((v) => tf.sum(tf.abs(grads[v.name]!)).dataSync()[0]!)];
        store.dispose();
        return out;
      });
    const cpu = run();
    await initBackend('wasm', { log: () => undefined });
    try {
      const wasm = run();
      wasm.forEach((v, i) => expect(v).toBeCloseTo(cpu[i]!, 3));
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
