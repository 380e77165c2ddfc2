import { parseRunConfig } from '@ablate/detection';
import { initBackend } from '@ablate/engine';
import { DatasetError } from '../dataset/dataset-error';
import { ExperimentError } from './experiment-error';
import { runTraining } from './run-training';

/** A CPU-sized Keypoint R-CNN on 64 px images of `dataset`, with `numKeypoints` heatmaps. */
const keypointRun = (dataset: string, numKeypoints: number, numClasses = 1) =>
  parseRunConfig({
    dataset: { train: dataset, val: dataset },
    model: { arch: 'keypoint-rcnn', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 16, inputSize: 64, numClasses },
    keypoints: { numKeypoints, resolution: 8, convs: 0, channels: 8 },
    train: { steps: 1, batchSize: 1 },
  });

describe('runTraining of a keypoint family', () => {
  beforeAll(async () => {
    await initBackend('wasm', { log: () => undefined });
  });

  it('refuses keypoints.numKeypoints other than the dataset’s K before training, naming the field', async () => {
    // synthetic:people has COCO's 17 keypoints.
    const err = await runTraining(keypointRun('synthetic:people?images=2&size=64', 5)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExperimentError);
    expect((err as ExperimentError).message).toMatch(/keypoints\.numKeypoints.*is 5, but the training set synthetic:people\?images=2&size=64 has 17 keypoints an instance/);
  });

  it('refuses a dataset without keypoints as a DatasetError', async () => {
    const err = await runTraining(keypointRun('synthetic:shapes?images=2&size=64', 17, 7)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toMatch(/keypoints/);
  });
});
