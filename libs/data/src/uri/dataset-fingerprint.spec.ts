import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetError } from '../dataset/dataset-error';
import { datasetFingerprint } from './dataset-fingerprint';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ablate-fingerprint-'));
  writeFileSync(join(root, 'a.json'), '{"images": []}');
  mkdirSync(join(root, 'voc', 'ImageSets', 'Main'), { recursive: true });
  mkdirSync(join(root, 'voc', 'Annotations'));
  writeFileSync(join(root, 'voc', 'ImageSets', 'Main', 'val.txt'), 'x1\n');
  writeFileSync(join(root, 'voc', 'Annotations', 'x1.xml'), '<annotation/>');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('hashes a synthetic spec with its defaults filled in, so equal datasets written differently agree', async () => {
  const a = await datasetFingerprint('synthetic:shapes');
  expect(a).toMatch(/^[0-9a-f]{64}$/);
  expect(await datasetFingerprint('synthetic:shapes?split=train&seed=0&size=128&images=512')).toBe(a);
  expect(await datasetFingerprint('synthetic:shapes?seed=1')).not.toBe(a);
  expect(await datasetFingerprint('synthetic:shapes?sizes=large,small,medium')).toBe(a);
  const medium = await datasetFingerprint('synthetic:shapes?sizes=medium');
  expect(medium).not.toBe(a);
  expect(await datasetFingerprint('synthetic:shapes?sizes=medium,medium')).toBe(medium);
});

it('hashes a COCO annotations file, and a VOC split with the annotation files it names', async () => {
  // sha256 of the file's bytes, as `sha256sum a.json` prints it.
  expect(await datasetFingerprint('coco:a.json', { dataRoot: root })).toBe('4c3ebb622647036849c52cc87fdc3b16f4188d526f65b8fca277ba9701ac192b');
  const voc = await datasetFingerprint('voc:voc?split=val', { dataRoot: root });
  writeFileSync(join(root, 'voc', 'Annotations', 'x1.xml'), '<annotation><object/></annotation>');
  expect(await datasetFingerprint('voc:voc?split=val', { dataRoot: root })).not.toBe(voc);
});

it('never reads outside the data root', async () => {
  await expect(datasetFingerprint('coco:../../etc/passwd', { dataRoot: root })).rejects.toBeInstanceOf(DatasetError);
  await expect(datasetFingerprint('coco:/etc/passwd', { dataRoot: root })).rejects.toThrow(/outside the data root/);
});
