import { type DetectorConfig } from '../../config';
import { DetectorConfigSchema } from '../../families';
import { initBackend } from '@ablate/engine';

/** Tests run on wasm (with the engine's gradient kernels), quietly. */
export async function useTestBackend(): Promise<void> {
  await initBackend('wasm', { log: () => undefined });
}

type ModelInput = Partial<DetectorConfig['model']>;
type AnchorInput = Partial<DetectorConfig['anchors']>;

/** A CPU-sized RetinaNet: ResNet-18 at width 0.25 (stages 16–128 channels), 16-channel FPN, 1 head conv. */
export function tinyRetinaNet(model: ModelInput = {}, anchors: AnchorInput = {}): DetectorConfig {
  return DetectorConfigSchema.parse({
    model: { arch: 'retinanet', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 16, headConvs: 1, inputSize: 64, numClasses: 2, ...model },
    anchors,
  });
}

/** A CPU-sized EfficientDet: B0 at width 0.25, 16-channel BiFPN (D_bifpn of φ), 1 head layer. */
export function tinyEfficientDet(model: ModelInput = {}, anchors: AnchorInput = {}): DetectorConfig {
  return DetectorConfigSchema.parse({
    model: { arch: 'efficientdet', phi: 0, backboneWidth: 0.25, fpnChannels: 16, headConvs: 1, inputSize: 64, numClasses: 2, ...model },
    anchors,
  });
}
