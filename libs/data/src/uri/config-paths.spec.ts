import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatasetError } from '../dataset/dataset-error';
import { checkDatasetReference, CHEAP_ANNOTATIONS_BYTES } from './check-dataset-reference';
import { resolveWeightsPath } from './weights-path';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ablate-paths-'));
const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ablate-outside-'));
fs.writeFileSync(path.join(root, 'backbone.json'), '{}');
fs.writeFileSync(path.join(outside, 'secret.json'), 'root:x:0:0');
fs.symlinkSync(path.join(outside, 'secret.json'), path.join(root, 'link.json'));
fs.mkdirSync(path.join(root, 'coco'));
fs.writeFileSync(path.join(root, 'coco', 'train.json'), JSON.stringify({ images: [], annotations: [], categories: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }] }));
fs.writeFileSync(path.join(root, 'coco', 'broken.json'), 'root:x:0:0:root:/root:/bin/bash');
fs.mkdirSync(path.join(root, 'voc', 'ImageSets', 'Main'), { recursive: true });
fs.writeFileSync(path.join(root, 'voc', 'ImageSets', 'Main', 'trainval.txt'), '000001\n');

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

const rejection = (fn: () => unknown): DatasetError => {
  try {
    fn();
  } catch (e) {
    return e as DatasetError;
  }
  throw new Error('expected a DatasetError');
};

describe('resolveWeightsPath (model.backboneWeights stays under its root)', () => {
  it('resolves a file under the root', () => {
    expect(resolveWeightsPath('backbone.json', { weightsRoot: root })).toBe(fs.realpathSync(path.join(root, 'backbone.json')));
  });

  it('refuses absolute paths elsewhere, .. and symlinks out, naming the field and never the contents', () => {
    for (const given of ['/etc/passwd', '/proc/self/environ', '../etc/passwd', 'link.json']) {
      const err = rejection(() => resolveWeightsPath(given, { weightsRoot: root }));
      expect(err).toBeInstanceOf(DatasetError);
      expect(err.code).toBe('path-escape');
      expect(err.entry).toBe('model.backboneWeights');
      expect(err.message).not.toMatch(/root:x/);
    }
    expect(rejection(() => resolveWeightsPath('nope.json', { weightsRoot: root })).code).toBe('file-not-found');
  });
});

describe('checkDatasetReference (what submit can know without loading)', () => {
  it('knows the category counts of synthetic shapes and people, a small COCO file and VOC, and which have keypoints', async () => {
    expect(await checkDatasetReference('synthetic:shapes?images=8&size=32', { dataRoot: root })).toEqual({ categories: 7, keypoints: false });
    expect(await checkDatasetReference('synthetic:people?images=8&size=32', { dataRoot: root })).toEqual({ categories: 1, keypoints: true });
    expect(await checkDatasetReference('coco:coco/train.json', { dataRoot: root })).toEqual({ categories: 2, keypoints: false });
    expect(await checkDatasetReference('voc:voc?classes=cat,dog', { dataRoot: root })).toEqual({ categories: 2, keypoints: false });
    expect(await checkDatasetReference('voc:voc', { dataRoot: root })).toEqual({ categories: 20, keypoints: false });
    const json = JSON.parse(fs.readFileSync(path.join(root, 'coco', 'train.json'), 'utf8')) as { categories: Record<string, unknown>[] };
    json.categories[0]!['keypoints'] = ['nose', 'left_eye'];
    fs.writeFileSync(path.join(root, 'coco', 'people.json'), JSON.stringify(json));
    expect(await checkDatasetReference('coco:coco/people.json', { dataRoot: root })).toEqual({ categories: 2, keypoints: true });
  });

  it('does not read a large annotations file at submit', async () => {
    const big = path.join(root, 'coco', 'big.json');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, CHEAP_ANNOTATIONS_BYTES + 1);
    expect(await checkDatasetReference('coco:coco/big.json', { dataRoot: root })).toEqual({ categories: null, keypoints: null });
  });

  it('names what is wrong: parameter, missing file or split, escape, non-JSON without quoting it', async () => {
    await expect(checkDatasetReference('synthetic:shapes?n=64', { dataRoot: root })).rejects.toThrow(/unknown parameter 'n'/);
    await expect(checkDatasetReference('coco:coco/missing.json', { dataRoot: root })).rejects.toThrow(/coco\/missing\.json.*not found/);
    await expect(checkDatasetReference('voc:voc?split=test', { dataRoot: root })).rejects.toThrow(/test\.txt.*not found/);
    await expect(checkDatasetReference('coco:../outside.json', { dataRoot: root })).rejects.toThrow(/'\.\.' is not allowed/);
    const err = await checkDatasetReference('coco:coco/broken.json', { dataRoot: root }).catch((e: DatasetError) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).message).toMatch(/coco\/broken\.json: not valid JSON/);
    expect((err as DatasetError).message).not.toMatch(/root:x/);
  });
});
