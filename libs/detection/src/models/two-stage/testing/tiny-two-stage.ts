import * as tf from '@tensorflow/tfjs-core';
import { type DetectorConfig } from '../../../config';
import { DetectorConfigSchema } from '../../../families';
import type { CocoDataset } from '../../../eval/coco-format';
import type { PredictBatch } from '../../../predict/evaluate-detector';
import { drawSquare, mulberry32 } from '../../../train/testing/squares-source';

type Section<K extends keyof DetectorConfig> = Partial<DetectorConfig[K]>;

/**
 * A CPU-sized Faster R-CNN for 64×64 squares: ResNet-18 at width 0.25, 16-channel FPN (or C4),
 * RPN anchors of sides 24–68 (levels 2–3, two scales per octave, one ratio), a 64-d box head,
 * 32 RoIs per image.
 */
export function tinyFasterRcnn(over: { rpn?: Section<'rpn'>; roi?: Section<'roi'>; model?: Section<'model'> } = {}): DetectorConfig {
  return DetectorConfigSchema.parse({
    model: { arch: 'faster-rcnn', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 16, inputSize: 64, numClasses: 2, norm: 'none', ...over.model },
    anchors: { levels: [2, 3], scalesPerOctave: 2, sizeMultiplier: 6, aspectRatios: [1] },
    rpn: { batchPerImage: 64, trainProposals: 200, proposals: 50, preNmsTopKTrain: 400, preNmsTopKTest: 200, ...over.rpn },
    roi: { fcDim: 64, convDim: 16, batchPerImage: 32, ...over.roi },
  });
}

/** `count` square images (seeded) as one evaluation batch and their COCO ground truth. */
export function squaresEvalSet(seed: number, count: number, size: number, numClasses: number): { groundTruth: CocoDataset; batch: () => PredictBatch } {
  const rand = mulberry32(seed);
  const images = Array.from({ length: count }, () => drawSquare(rand, size, numClasses));
  const groundTruth: CocoDataset = {
    images: images.map((_, i) => ({ id: i + 1, width: size, height: size })),
    categories: Array.from({ length: numClasses }, (_, c) => ({ id: c + 1, name: `c${c}` })),
    annotations: images.map((im, i) => {
      const [x1, y1, x2, y2] = im.box;
      return { id: i + 1, image_id: i + 1, category_id: im.label[0] + 1, bbox: [x1, y1, x2 - x1, y2 - y1], area: (x2 - x1) * (y2 - y1), iscrowd: 0 };
    }),
  };
  const batch = (): PredictBatch => {
    const pixels = new Float32Array(count * size * size * 3);
    images.forEach((im, b) => pixels.set(im.pixels, b * im.pixels.length));
    return {
      images: tf.tensor4d(pixels, [count, size, size, 3]),
      meta: images.map((_, i) => ({ imageId: i + 1, originalWidth: size, originalHeight: size, scale: 1, padX: 0, padY: 0, flipped: false })),
    };
  };
  return { groundTruth, batch };
}
