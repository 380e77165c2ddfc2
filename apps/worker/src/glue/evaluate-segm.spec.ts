import { parseRunConfig } from '@ablate/detection';
import { openStore, type Store } from '@ablate/store';
import { createTemporaryDatabase, type TemporaryDatabase } from '@ablate/store/testing';
import { createEvaluatorPort, createTrainingPort } from './training.glue';

/**
 * Mask R-CNN through the worker's glue and the real PostgreSQL: the final evaluation of a train
 * run and an `evaluate` job of its checkpoint both carry the mask AP (segm), which the store keeps
 * beside the box AP.
 */
const config = parseRunConfig({
  dataset: { train: 'synthetic:shapes?images=4&size=64&seed=1', val: 'synthetic:shapes?images=3&size=64&seed=2&split=val' },
  model: { arch: 'mask-rcnn', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 16, inputSize: 64, numClasses: 7, norm: 'none' },
  anchors: { levels: [2, 3], scalesPerOctave: 2, sizeMultiplier: 6, aspectRatios: [1] },
  rpn: { batchPerImage: 64, trainProposals: 100, proposals: 30, preNmsTopKTrain: 200, preNmsTopKTest: 100 },
  roi: { fcDim: 32, batchPerImage: 16 },
  mask: { convDim: 8, numConvs: 1 },
  train: { steps: 2, batchSize: 2, checkpointEvery: 2, warmupSteps: 1 },
});

let db: TemporaryDatabase;
let store: Store;

beforeAll(async () => {
  db = await createTemporaryDatabase('ablate_worker_segm');
  store = await openStore({ url: db.url, poolSize: 2 });
});

afterAll(async () => {
  await store?.close();
  await db?.drop();
});

describe('segm through the worker glue (real PostgreSQL)', () => {
  it('a mask-rcnn run records mask AP in its final evaluation and in an evaluate job of its checkpoint', async () => {
    let checkpoint: Uint8Array | undefined;
    const outcome = await createTrainingPort().run(config, {
      dataRoot: '/nonexistent',
      hooks: {
        onProgress: async () => undefined,
        onCheckpoint: async (bytes) => {
          checkpoint = bytes;
        },
        onEvaluation: async () => undefined,
        shouldStop: () => false,
      },
    });
    expect(outcome.status).toBe('completed');
    const final = outcome.evaluation!;
    expect(Object.keys(final.stats)).toEqual(['bbox', 'segm']);
    expect(Object.keys(final.stats['segm']!)).toHaveLength(12);
    expect(final.detections!.every((d) => (d as { segmentation?: unknown }).segmentation !== undefined)).toBe(true);

    const run = await store.runs.createLone({ config });
    await store.runs.markRunStarted(run.id, { attempt: 1, host: 'h', pid: 1, backend: 'wasm', device: 'cpu' });
    await store.evaluations.saveEvaluation(run.id, final as Parameters<Store['evaluations']['saveEvaluation']>[1]);
    const stored = await store.evaluations.finalOf(run.id);
    expect(stored!.stats['segm']!['AP']).toBeCloseTo(final.stats['segm']!['AP']!, 12);
    expect(stored!.stats['segm']!['AP50']).toBeCloseTo(final.stats['segm']!['AP50']!, 12);

    const result = await createEvaluatorPort().evaluate(checkpoint!, config.dataset.val, '/nonexistent');
    expect(result.step).toBe(2);
    // The same weights on the same split: the evaluate job reproduces the final evaluation.
    expect(result.stats['segm']).toEqual(final.stats['segm']);
    const { evaluation } = await store.evaluations.requestEvaluation(run.id, config.dataset.val, 2);
    const done = await store.evaluations.completeEvaluation(evaluation.id, result as Parameters<Store['evaluations']['completeEvaluation']>[1]);
    expect(done.stats['segm']!['AP']).toBeCloseTo(result.stats['segm']!['AP']!, 12);
    expect(done.perClass!['segm']).toHaveLength(7);
  }, 600_000);
});
