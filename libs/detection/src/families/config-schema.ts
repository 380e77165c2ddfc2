import { z } from 'zod';
import {
  AnchorConfigSchema,
  LossConfigSchema,
  MatcherConfigSchema,
  ModelFieldsSchema,
} from '../config';
import { detectorArchs, detectorFamilies, familyOf } from './registry';
import { unusedSectionMessage } from './sections';

const DETECTOR_FAMILIES = detectorFamilies();
const DETECTOR_ARCHS = detectorArchs();

/**
 * The detector configuration composed from the registry: the sections every family reads
 * (`model`, `anchors`, `matcher`, `loss`) plus the sections the families declare (`rpn`, `roi`,
 * `mask` …). A config carries exactly its family's sections: they are filled with defaults when
 * left out, and a section another family uses is refused, naming it. So a RetinaNet run's
 * config.json has no rpn/roi/mask, and a grid over `roi.pooler` on RetinaNet is a 400, not a
 * setting silently ignored.
 */

type Families = (typeof DETECTOR_FAMILIES)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** Every family's sections, by name (a name two families share has one schema). */
export type FamilySections = UnionToIntersection<Families['sections']>;
type OptionalSections = { [K in keyof FamilySections]: z.ZodOptional<FamilySections[K]> };

/** The sections of every family, checked to agree where two families name the same one. */
function collectFamilySections(): FamilySections {
  const out: Record<string, z.ZodType> = {};
  for (const family of DETECTOR_FAMILIES) {
    for (const [name, schema] of Object.entries(family.sections as Record<string, z.ZodType>)) {
      if (out[name] !== undefined && out[name] !== schema) throw new Error(`detector families disagree on the schema of section '${name}' (${family.arch})`);
      out[name] = schema;
    }
  }
  return out as FamilySections;
}

export const FAMILY_SECTIONS = collectFamilySections();
const FAMILY_SECTION_NAMES = Object.keys(FAMILY_SECTIONS);

function optionalSections(): OptionalSections {
  return Object.fromEntries(Object.entries(FAMILY_SECTIONS as Record<string, z.ZodType>).map(([k, s]) => [k, s.optional()])) as OptionalSections;
}

export const ModelConfigSchema = z
  .object({
    /** Detector family: one of the registry's (families/registry.ts). */
    arch: z.enum(DETECTOR_ARCHS).default('retinanet'),
    ...ModelFieldsSchema.shape,
  })
  .strict();

/** The fields of a detector config, for composing it into larger configs (RunConfig). */
export const DETECTOR_CONFIG_SHAPE = {
  // COMMON_SECTIONS (sections.ts), then the families' own.
  model: ModelConfigSchema.default(ModelConfigSchema.parse({})),
  anchors: AnchorConfigSchema.default(AnchorConfigSchema.parse({})),
  /** One-stage detectors' anchor assignment (`matcher.lowQualityMatches` …). */
  matcher: MatcherConfigSchema.default(MatcherConfigSchema.parse({})),
  loss: LossConfigSchema.default(LossConfigSchema.parse({})),
  ...optionalSections(),
};

type Sectioned = { model: { arch: string } } & Record<string, unknown>;

/** An issue for each section `config` sets that its family does not read. */
function refuseForeignSections(config: Sectioned, ctx: z.RefinementCtx): void {
  const family = familyOf(config.model.arch);
  for (const name of FAMILY_SECTION_NAMES) {
    if (config[name] === undefined || name in family.sections) continue;
    ctx.addIssue({ code: 'custom', path: [name], message: unusedSectionMessage([family.arch], name) });
  }
}

/** Fills the family's own sections with their defaults where the config leaves them out. */
function fillFamilySections<T extends Sectioned>(config: T): T {
  const family = familyOf(config.model.arch);
  const out: Record<string, unknown> = { ...config };
  for (const [name, schema] of Object.entries(family.sections)) out[name] ??= schema.parse({});
  return out as T;
}

/** `schema` (an object with DETECTOR_CONFIG_SHAPE's fields) with the family rules applied. */
export function withFamilySections<S extends z.ZodType<Sectioned>>(schema: S) {
  return schema.superRefine(refuseForeignSections).transform((c) => fillFamilySections(c));
}

export const DetectorConfigSchema = withFamilySections(z.object(DETECTOR_CONFIG_SHAPE).strict());

export type ModelConfig = z.infer<typeof ModelConfigSchema>;
export type DetectorConfig = z.output<typeof DetectorConfigSchema>;
export type DetectorConfigInput = z.input<typeof DetectorConfigSchema>;

/** A config with the sections `family` declares present (what its builder may rely on). */
export type ConfigOfFamily<F extends { sections: Record<string, z.ZodType> }> = DetectorConfig & {
  [K in keyof F['sections']]-?: z.output<F['sections'][K]>;
};

/**
 * Drops the sections a config's family does not read. Configs stored before the registry (in
 * runs, job payloads and checkpoints) carried every family's sections with their defaults;
 * reading them through this keeps them valid. Input from users is not passed through it.
 */
export function dropForeignSections(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object') return raw;
  const config = raw as Record<string, unknown>;
  const arch = (config['model'] as { arch?: unknown } | undefined)?.arch ?? 'retinanet';
  if (typeof arch !== 'string' || !(DETECTOR_ARCHS as readonly string[]).includes(arch)) return raw;
  const family = familyOf(arch);
  const out = { ...config };
  for (const name of FAMILY_SECTION_NAMES) if (!(name in family.sections)) delete out[name];
  return out;
}

/** A stored detector config (see {@link dropForeignSections}). */
export const StoredDetectorConfigSchema = z.preprocess(dropForeignSections, DetectorConfigSchema);
