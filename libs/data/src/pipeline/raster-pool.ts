import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ImageMeta } from '@ablate/detection';
import type { PhotometricParams } from '../augment/augment-params';
import type { RgbImage } from '../dataset/dataset';
import type { SyntheticImageSpec } from '../synthetic/synthetic-spec';
import type { RasterJob, RasterReply } from './raster-worker';

/**
 * A few worker threads that run `rasteriseInput` (resize, crop/pad, flip, photometric,
 * normalise: the pipeline's main CPU cost) off the main thread, so that on a machine with a
 * spare core the next batches are prepared while the trainer's single-threaded wasm step runs.
 * Same function, same inputs: results are identical to the main-thread path. Threads are unref'd
 * (an idle pool never keeps the process alive); `close()` ends them.
 */
export class RasterPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (p: Float32Array) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private turn = 0;
  private closed = false;

  constructor(readonly threads: number) {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(path.join(__dirname, 'raster-worker.js'));
      worker.unref();
      worker.on('message', (reply: RasterReply) => this.settle(reply));
      worker.on('error', (err) => this.failAll(err));
      worker.on('messageerror', (err) => this.failAll(err));
      worker.on('exit', (code) => this.failAll(new Error(`raster worker exited (code ${code})`)));
      this.workers.push(worker);
    }
  }

  /**
   * Rasterises `src` into a new `[S, S, 3]` Float32Array in a worker: decoded pixels (`src.data`
   * may be transferred, leaving it empty) or a synthetic image, then rendered in the worker too.
   */
  run(src: RgbImage | SyntheticImageSpec, meta: ImageMeta, inputSize: number, photometric: PhotometricParams | undefined): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new Error('raster pool closed'));
    const id = this.nextId++;
    const worker = this.workers[this.turn++ % this.workers.length]!;
    const transfer: ArrayBuffer[] = [];
    if ('data' in src) {
      // Transfer the pixels when they own their whole buffer; otherwise structured clone copies them.
      const whole = src.data.byteOffset === 0 && src.data.byteLength === src.data.buffer.byteLength && src.data.buffer instanceof ArrayBuffer;
      if (whole) transfer.push(src.data.buffer as ArrayBuffer);
    }
    const source = 'data' in src ? { pixels: src } : { synthetic: src };
    const job: RasterJob = { id, source, meta, inputSize, ...(photometric ? { photometric } : {}) };
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage(job, transfer);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('raster pool closed'));
    // Replies still in flight must not unref the workers again (see settle): an unref'd worker's
    // exit would not keep the event loop alive until terminate() resolves.
    await Promise.all(
      this.workers.map((w) => {
        w.ref();
        return w.terminate();
      }),
    );
  }

  private settle(reply: RasterReply): void {
    if (this.closed) return;
    const waiter = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.workers.forEach((w) => w.unref());
    if (!waiter) return;
    if (reply.pixels) waiter.resolve(reply.pixels);
    else waiter.reject(new Error(reply.error ?? 'raster worker failed'));
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}
