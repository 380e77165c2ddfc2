import { z } from 'zod';
import { contractSchemas, IdSchema, TimestampSchema } from './common';
import { DetectionSchema } from './evaluations';
import { intParam } from './query';

/** A compressed COCO RLE (`counts` as pycocotools' string) at the image's size. */
export const RleSchema = z
  .object({ size: z.tuple([z.number().int(), z.number().int()]).describe('[height, width]'), counts: z.string() })
  .register(contractSchemas, { id: 'Rle' });

/** One validation image of a run's final evaluation, as a listing shows it. */
export const RunImageSchema = z
  .object({
    id: z.number().int().describe("The dataset's image id (COCO image_id)"),
    fileName: z.string().describe("The image file's base name (synthetic images: <id>.png)"),
    width: z.number().int(),
    height: z.number().int(),
    groundTruthBoxes: z.number().int(),
    detections: z.number().int().describe("The final evaluation's detections on it"),
  })
  .register(contractSchemas, { id: 'RunImage' });

/** `GET /runs/:id/images`: a page of the validation images of the run's final evaluation. */
export const RunImageListSchema = z
  .object({
    evaluationId: IdSchema,
    dataset: z.string().describe('Dataset URI of the final evaluation'),
    step: z.number().int().describe('Checkpoint step the detections are of'),
    total: z.number().int().describe('Images in the dataset'),
    limit: z.number().int(),
    offset: z.number().int(),
    images: z.array(RunImageSchema).describe('In dataset order'),
  })
  .register(contractSchemas, { id: 'RunImageList' });

export const RunImageListQuerySchema = z.object({
  limit: intParam(1, 500).default(50).describe('Images per page (default 50)'),
  offset: intParam(0, 10_000_000).default(0).describe('Images to skip (default 0)'),
});

/** One ground-truth object of an image, as a COCO annotation (its id left out: ids are per dataset file). */
export const GroundTruthSchema = z
  .object({
    category_id: z.number().int(),
    bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).describe('[x, y, width, height] in pixels'),
    area: z.number(),
    iscrowd: z.union([z.literal(0), z.literal(1)]),
    difficult: z.boolean().optional().describe('Pascal VOC: ignored by VOC evaluation'),
    segmentation: RleSchema.optional().describe('The instance mask, when the dataset has masks'),
    keypoints: z
      .array(z.number())
      .optional()
      .describe("COCO keypoints [x, y, v]·K in pixels (v 0 unlabelled, 1 occluded, 2 visible), when the dataset's category names keypoints"),
    num_keypoints: z.number().int().optional().describe('Labelled keypoints (v > 0), with keypoints'),
  })
  .register(contractSchemas, { id: 'GroundTruth' });

/** `GET /runs/:id/images/:imageId/annotations`: what the browser draws over the image. */
export const ImageAnnotationsSchema = z
  .object({
    image: RunImageSchema,
    groundTruth: z.array(GroundTruthSchema),
    detections: z.array(DetectionSchema).describe("The run's final detections on the image, COCO results format"),
  })
  .register(contractSchemas, { id: 'ImageAnnotations' });
export type ImageAnnotations = z.infer<typeof ImageAnnotationsSchema>;

/** One stored checkpoint of a run. */
export const CheckpointInfoSchema = z
  .object({ step: z.number().int(), bytes: z.number().int().describe('Size of the checkpoint file'), createdAt: TimestampSchema })
  .register(contractSchemas, { id: 'CheckpointInfo' });

/** `GET /runs/:id/checkpoints`. */
export const CheckpointListSchema = z.array(CheckpointInfoSchema).register(contractSchemas, { id: 'CheckpointList' });
