import { z } from 'zod';
import { TrainConfigSchema } from '../config';
import { DETECTOR_CONFIG_SHAPE, dropForeignSections, withFamilySections } from '../families/config-schema';

/**
 * The one RunConfig: everything a training run needs, validated once at the edge (API, CLI),
 * stored with the run, carried to the worker. It is the detector config (its sections from the
 * family registry: a RetinaNet run has no `rpn`, `roi` or `mask`) plus the data, the training
 * and the seed. Sweep grid paths address its fields (`loss.gamma`, `anchors.scalesPerOctave`,
 * `model.phi`, `roi.pooler`, `train.lr` …).
 */
export const RunConfigSchema = withFamilySections(
  z
    .object({
      /** Dataset URIs (see @ablate/data): `synthetic:shapes?…`, `coco:…`, `voc:…`. */
      dataset: z
        .object({
          train: z.string().min(1),
          val: z.string().min(1),
        })
        .strict(),
      ...DETECTOR_CONFIG_SHAPE,
      train: TrainConfigSchema.default(TrainConfigSchema.parse({})),
      /** Seed of initialisation, data order and augmentation. @defaultValue 0 */
      seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    })
    .strict(),
);

/**
 * A RunConfig read back from storage (a job payload, a run row): one written before the family
 * registry carried every family's sections, which are dropped (families/config-schema.ts).
 */
export const StoredRunConfigSchema = z.preprocess(dropForeignSections, RunConfigSchema);

export type RunConfig = z.infer<typeof RunConfigSchema>;
/** What a user writes: every field with a default may be left out. */
export type RunConfigInput = z.input<typeof RunConfigSchema>;

/**
 * A RunConfig that does not validate: a user error (the CLI exits 2, the API answers 400).
 * `field` is the dotted path of the first offending field (`loss.gamma`, `train.lr`), '' for the root.
 */
export class RunConfigError extends Error {
  override readonly name = 'RunConfigError';

  constructor(
    readonly field: string,
    readonly reason: string,
    /** Every problem found, one `path: message` a line. */
    readonly issues: string[] = [`${field}: ${reason}`],
  ) {
    super(issues.length > 1 ? `invalid run config:\n  ${issues.join('\n  ')}` : `invalid run config: ${field || '(root)'}: ${reason}`);
  }
}

/** Validates `input` as a RunConfig (defaults filled), or throws RunConfigError naming the fields. */
export function parseRunConfig(input: unknown): RunConfig {
  const parsed = RunConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => {
    const path = i.path.map(String).join('.');
    const keys = i.code === 'unrecognized_keys' ? ` (${i.keys.map((k) => (path ? `${path}.${k}` : k)).join(', ')})` : '';
    return `${path || '(root)'}: ${i.message}${keys}`;
  });
  const first = parsed.error.issues[0];
  const field =
    first.code === 'unrecognized_keys'
      ? [...first.path.map(String), first.keys[0]].join('.')
      : first.path.map(String).join('.');
  throw new RunConfigError(field, first.message, issues);
}
