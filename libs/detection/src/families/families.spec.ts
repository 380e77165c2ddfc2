import { vi } from 'vitest';
import { RunConfigSchema, StoredRunConfigSchema, parseRunConfig, RunConfigError } from '../train/run-config';
import { DetectorConfigSchema, dropForeignSections } from './config-schema';
import { detectorArchs, detectorFamilies, familyOf, isTwoStage, predictsKeypoints, predictsMasks } from './registry';
import { detectorConfigOf, familyReadsPath, unusedPathMessage } from './sections';
import { ModelFieldsSchema } from '../config/detector-config';

const dataset = { train: 'synthetic:shapes', val: 'synthetic:shapes?split=val' };

function issuesOf(input: unknown): string[] {
  try {
    parseRunConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(RunConfigError);
    return (e as RunConfigError).issues;
  }
  throw new Error('expected a RunConfigError');
}

describe('detector family registry', () => {
  it('lists each family once, and model.arch accepts exactly them', () => {
    const archs = detectorArchs();
    expect(new Set(archs).size).toBe(archs.length);
    expect(archs).toEqual(detectorFamilies().map((f) => f.arch));
    for (const arch of archs) expect(DetectorConfigSchema.parse({ model: { arch } }).model.arch).toBe(arch);
    expect(() => familyOf('yolo')).toThrow(/'yolo' is not a detector family \(retinanet, efficientdet, faster-rcnn, mask-rcnn, keypoint-rcnn, rcnn\)/);
  });

  it('gives each config exactly its family’s sections, with their defaults', () => {
    for (const family of detectorFamilies()) {
      const config = DetectorConfigSchema.parse({ model: { arch: family.arch } });
      const extra = Object.keys(config).filter((k) => !['model', 'anchors', 'matcher', 'loss'].includes(k));
      expect(extra.sort()).toEqual(Object.keys(family.sections).sort());
    }
    // A RetinaNet run's stored config carries no two-stage sections.
    expect(Object.keys(RunConfigSchema.parse({ dataset }))).toEqual(['dataset', 'model', 'anchors', 'matcher', 'loss', 'train', 'seed']);
  });

  it('refuses a section the family does not read, naming it', () => {
    expect(issuesOf({ dataset, roi: { pooler: 'pool' } })).toEqual([
      "roi: is not used by model.arch 'retinanet' (roi configures faster-rcnn, mask-rcnn, keypoint-rcnn)",
    ]);
    expect(issuesOf({ dataset, model: { arch: 'mask-rcnn' }, keypoints: { resolution: 28 } })).toEqual([
      "keypoints: is not used by model.arch 'mask-rcnn' (keypoints configures keypoint-rcnn)",
    ]);
    // The heatmap is 4× the pooled RoI side (Mask R-CNN §5: 14 → 56).
    expect(issuesOf({ dataset, model: { arch: 'keypoint-rcnn' }, keypoints: { resolution: 30 } })).toEqual([
      'keypoints.resolution: must be a multiple of 4 (the heatmap is 4× the pooled RoI side)',
    ]);
    expect(issuesOf({ dataset, model: { arch: 'faster-rcnn' }, mask: {} })).toEqual([
      "mask: is not used by model.arch 'faster-rcnn' (mask configures mask-rcnn)",
    ]);
  });

  it('reads a config stored before the registry (every section present) as its family’s', () => {
    const legacy = { ...RunConfigSchema.parse({ dataset, model: { arch: 'mask-rcnn' } }), model: { ...RunConfigSchema.parse({ dataset }).model } };
    expect(() => RunConfigSchema.parse(legacy)).toThrow(/is not used by model.arch 'retinanet'/);
    const read = StoredRunConfigSchema.parse(legacy);
    expect(read).toEqual(RunConfigSchema.parse({ dataset }));
    // Unknown archs are left for the schema to name.
    expect(dropForeignSections({ model: { arch: 'yolo' }, rpn: {} })).toEqual({ model: { arch: 'yolo' }, rpn: {} });
  });

  it('declares the model fields each family reads: φ and fusion only EfficientDet, dense-head convs only the one-stage families', () => {
    const fields = Object.keys(ModelFieldsSchema.shape);
    for (const family of detectorFamilies()) for (const field of family.modelFields) expect(fields).toContain(field);
    const readers = (path: string) => detectorArchs().filter((arch) => familyReadsPath(arch, path));
    expect(readers('model.phi')).toEqual(['efficientdet']);
    expect(readers('model.fusion')).toEqual(['efficientdet']);
    expect(readers('model.headConvs')).toEqual(['retinanet', 'efficientdet']);
    expect(readers('model.numClasses')).toEqual(detectorArchs());
    expect(readers('model.arch')).toEqual(detectorArchs());
    expect(readers('roi.pooler')).toEqual(['faster-rcnn', 'mask-rcnn', 'keypoint-rcnn']);
    expect(readers('keypoints.resolution')).toEqual(['keypoint-rcnn']);
    expect(readers('proposals.source')).toEqual(['rcnn']);
    expect(readers('rcnn.warpSize')).toEqual(['rcnn']);
    expect(readers('model.fpnChannels')).not.toContain('rcnn');
    expect(unusedPathMessage(['retinanet', 'faster-rcnn'], 'model.phi')).toBe("is not used by model.arch 'retinanet' or 'faster-rcnn' (model.phi is read by efficientdet)");
  });

  it('says what each family trains on and is evaluated by', () => {
    expect(detectorFamilies().map((f) => [f.arch, f.targets.masks, f.targets.keypoints, f.iouTypes.join('+'), isTwoStage(f.arch)])).toEqual([
      ['retinanet', false, false, 'bbox', false],
      ['efficientdet', false, false, 'bbox', false],
      ['faster-rcnn', false, false, 'bbox', true],
      ['mask-rcnn', true, false, 'bbox+segm', true],
      ['keypoint-rcnn', false, true, 'bbox+keypoints', true],
      ['rcnn', false, false, 'bbox', false],
    ]);
    expect(predictsMasks({ arch: 'mask-rcnn' })).toBe(true);
    expect(predictsKeypoints({ arch: 'keypoint-rcnn' })).toBe(true);
    expect(predictsKeypoints({ arch: 'mask-rcnn' })).toBe(false);
    // Mask R-CNN §5's head by default: 8 convs of 512 to 56×56 heatmaps of COCO's 17 keypoints.
    expect(DetectorConfigSchema.parse({ model: { arch: 'keypoint-rcnn' } }).keypoints).toEqual({ numKeypoints: 17, resolution: 56, convs: 8, channels: 512, lossWeight: 1 });
  });

  it('keeps the detector part of a RunConfig', () => {
    const run = RunConfigSchema.parse({ dataset, model: { arch: 'faster-rcnn' } });
    expect(Object.keys(detectorConfigOf(run))).toEqual(['model', 'anchors', 'matcher', 'loss', 'rpn', 'roi']);
  });

  // The families' builders import helpers that read the registry, so the modules form a cycle:
  // whichever of them a process loads first, the registry and the schemas must come out whole.
  it.each([
    './retinanet',
    './mask-rcnn',
    './keypoint-rcnn',
    './registry',
    './config-schema',
    './sections',
    '../models/build-detector',
    '../memory/feature-density',
    '../models/two-stage/mask-rcnn',
    '../models/two-stage/keypoint-rcnn',
    '../train/run-config',
  ])('loads whole when %s is imported first', async (first) => {
    vi.resetModules();
    await import(first);
    const schema = await import('./config-schema');
    expect(schema.DetectorConfigSchema.parse({ model: { arch: 'mask-rcnn' } }).mask?.loss).toBe('sigmoid');
  });
});
