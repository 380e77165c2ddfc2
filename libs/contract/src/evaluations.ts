import { z } from 'zod';
import { contractSchemas, EvaluationStatusSchema, IdSchema, TimestampSchema } from './common';

/** The 12 numbers of pycocotools' `COCOeval.summarize()`, in its order. */
export const COCO_STAT_NAMES = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl'] as const;
export type CocoStatName = (typeof COCO_STAT_NAMES)[number];

const statDescription = 'A fraction in [0, 1]; −1 when no ground truth falls in that area range (as pycocotools reports it)';

/** Per-class AP of one iou type. */
export const ClassApSchema = z
  .object({
    categoryId: z.number().int(),
    name: z.string().optional(),
    ap: z.number().describe('AP@[.5:.95] of the class; −1 when the class has no ground truth'),
  })
  .register(contractSchemas, { id: 'ClassAp' });

/** One detection in COCO results format. */
export const DetectionSchema = z
  .object({
    image_id: z.number().int(),
    category_id: z.number().int(),
    bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).describe('[x, y, width, height] in pixels'),
    score: z.number(),
    segmentation: z
      .object({ size: z.tuple([z.number().int(), z.number().int()]), counts: z.string() })
      .optional()
      .describe("The instance mask of a detector with masks: compressed RLE at the image's size"),
    keypoints: z
      .array(z.number())
      .optional()
      .describe('The keypoints of a detector with a keypoint head (Keypoint R-CNN): [x, y, v]·K in pixels, v = 1 (COCO results format)'),
  })
  .register(contractSchemas, { id: 'Detection' });

/** `GET /runs/:id/detections`. */
export const DetectionListSchema = z.array(DetectionSchema).register(contractSchemas, { id: 'DetectionList' });

/**
 * The stats of an iou type other than bbox (`segm` for a detector with masks, `keypoints` for one
 * with keypoints), nested under its name: metric name → value (pycocotools' 12 for segm, its 10
 * for keypoints: AP, AP50, AP75, APm, APl, AR, AR50, AR75, ARm, ARl; whatever the evaluator records
 * for a new type), and its per-class AP. Metrics are
 * data in the store (rows of `evaluation_stats`), so a new one needs no change here.
 */
export const IouStatsSchema = z
  .object({
    ...(Object.fromEntries(COCO_STAT_NAMES.map((k) => [k, z.number().optional()])) as Record<CocoStatName, z.ZodOptional<z.ZodNumber>>),
    perClass: z.array(ClassApSchema).nullable(),
  })
  .catchall(z.number().nullable())
  .register(contractSchemas, { id: 'IouStats', description: "The stats (metric → value) and per-class AP of one iou type" });
export type IouStats = z.infer<typeof IouStatsSchema>;

const bboxStats = Object.fromEntries(COCO_STAT_NAMES.map((k) => [k, z.number().nullable().describe(`bbox ${k}. ${statDescription}; null until the evaluation completed`)])) as Record<
  CocoStatName,
  z.ZodNullable<z.ZodNumber>
>;

/**
 * A COCO evaluation of one checkpoint of a run on one dataset: the bbox stats flat, each other iou
 * type nested under its name (`segm` always, null for a detector without masks). A bbox metric the
 * evaluator adds later appears flat as one more number; an iou type it adds (`keypoints`) as one
 * more {@link IouStatsSchema} member: both validate without a change here.
 *
 * `perClass` and `prCurves` are left out of a run's list of evaluations; `detections` is only in
 * `GET /evaluations/:id` (`GET /runs/:id/detections` has the final one's).
 */
export const EvaluationSchema = z
  .object({
    id: IdSchema,
    runId: IdSchema,
    dataset: z.string().describe('Dataset URI evaluated on'),
    step: z.number().int().describe('Checkpoint step evaluated'),
    status: EvaluationStatusSchema,
    ...bboxStats,
    perClass: z.array(ClassApSchema).nullable().optional().describe('bbox AP per class'),
    prCurves: z.unknown().optional().describe('PR curves as the evaluator gives them'),
    detections: z.array(DetectionSchema).nullable().optional(),
    error: z.string().nullable(),
    createdAt: TimestampSchema,
    finishedAt: TimestampSchema.nullable(),
    segm: IouStatsSchema.nullable().describe('Mask AP (iou type segm); null for a detector without masks'),
  })
  .catchall(z.union([z.number(), IouStatsSchema]).nullable().describe('Another bbox metric (a number) or another iou type (its stats)'))
  .register(contractSchemas, { id: 'Evaluation' });
export type Evaluation = z.infer<typeof EvaluationSchema>;
