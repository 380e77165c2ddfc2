import { z } from 'zod';
import { AnchorConfigSchema, LossConfigSchema, ModelConfigSchema, TrainConfigSchema } from '../config';

/**
 * The one RunConfig: everything a training run needs, validated once at the edge (API, CLI),
 * stored with the run, carried to the worker. Sweep grid paths address its fields
 * (`loss.gamma`, `anchors.scalesPerOctave`, `model.phi`, `train.lr` …).
 */
export const RunConfigSchema = z
  .object({
    /** Dataset URIs (see @ablate/data): `synthetic:shapes?…`, `coco:…`, `voc:…`. */
    dataset: z
      .object({
        train: z.string().min(1),
        val: z.string().min(1),
      })
      .strict(),
    model: ModelConfigSchema.default(ModelConfigSchema.parse({})),
    anchors: AnchorConfigSchema.default(AnchorConfigSchema.parse({})),
    loss: LossConfigSchema.default(LossConfigSchema.parse({})),
    train: TrainConfigSchema.default(TrainConfigSchema.parse({})),
    /** Seed of initialisation, data order and augmentation. @defaultValue 0 */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  })
  .strict();

export type RunConfig = z.infer<typeof RunConfigSchema>;
/** What a user writes: every field with a default may be left out. */
export type RunConfigInput = z.input<typeof RunConfigSchema>;
