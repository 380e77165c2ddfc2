import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetError } from '../dataset/dataset-error';
import { toCocoGroundTruth } from '../convert/to-coco';
import { loadDataset } from '../uri/load-dataset';
import { cocoFixtureJson, makeDataRoot, removeDir, writeCocoFixture } from '../testing/fixtures';

const URI = 'coco:coco/annotations.json?images=coco/images';

describe('COCO reader', () => {
  let root: string;
  beforeEach(() => {
    root = makeDataRoot();
  });
  afterEach(() => removeDir(root));

  /** Writes the fixture with `edit` applied to its JSON, loads it and returns the error it throws. */
  async function errorOf(edit: (j: ReturnType<typeof cocoFixtureJson>) => void, checkImages = true): Promise<DatasetError> {
    const json = cocoFixtureJson();
    edit(json);
    await writeCocoFixture(root, json);
    const err = await loadDataset(URI, { dataRoot: root, checkImages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    return err as DatasetError;
  }

  it('reads images, XYXY boxes, contiguous labels, crowd and area', async () => {
    await writeCocoFixture(root);
    const ds = await loadDataset(URI, { dataRoot: root });
    expect(ds.name).toBe('annotations');
    expect(ds.categories).toEqual([{ id: 1, name: 'cat' }, { id: 3, name: 'dog' }]);
    const [a, b] = ds.images;
    expect(a!.id).toBe(7);
    expect(a!.file).toBe(fs.realpathSync(path.join(root, 'coco/images/a.png')));
    // bbox [2, 3, 10, 5] → XYXY [2, 3, 12, 8]; [20, 10, 15, 15] → [20, 10, 35, 25].
    expect(Array.from(a!.boxes)).toEqual([2, 3, 12, 8, 20, 10, 35, 25]);
    // category 3 is label 1, category 1 is label 0.
    expect(Array.from(a!.labels)).toEqual([1, 0]);
    expect(Array.from(a!.crowd)).toEqual([0, 1]);
    expect(Array.from(b!.boxes)).toEqual([0, 0, 20, 20]);
    expect(ds.report).toEqual({ clippedBoxes: 0, droppedBoxes: 0, emptyImages: 0, totalBoxes: 3 });
  });

  it('converts back to COCO ground truth, keeping the given area and iscrowd', async () => {
    await writeCocoFixture(root);
    const gt = toCocoGroundTruth(await loadDataset(URI, { dataRoot: root }));
    expect(gt.annotations).toEqual([
      { id: 1, image_id: 7, category_id: 3, bbox: [2, 3, 10, 5], area: 42, iscrowd: 0 },
      // No area in the file: w·h = 15·15 = 225.
      { id: 2, image_id: 7, category_id: 1, bbox: [20, 10, 15, 15], area: 225, iscrowd: 1 },
      { id: 3, image_id: 9, category_id: 3, bbox: [0, 0, 20, 20], area: 400, iscrowd: 0 },
    ]);
    expect(gt.images[1]).toEqual({ id: 9, width: 20, height: 20, file_name: 'b.jpg' });
    expect(gt.categories.map((c) => c.id)).toEqual([1, 3]);
  });

  it('fills missing image sizes from the file header', async () => {
    const json = cocoFixtureJson();
    delete json.images[0]!['width'];
    delete json.images[0]!['height'];
    await writeCocoFixture(root, json);
    const ds = await loadDataset(URI, { dataRoot: root });
    expect([ds.images[0]!.width, ds.images[0]!.height]).toEqual([40, 30]);
  });

  it('clips a box leaving the image and counts it; strict rejects it', async () => {
    const json = cocoFixtureJson();
    // Image 9 is 20×20: [15, 15, 10, 10] → XYXY [15, 15, 25, 25] → clipped [15, 15, 20, 20].
    json.annotations[2]!['bbox'] = [15, 15, 10, 10];
    // Entirely outside: [30, 30, 5, 5] → nothing left, dropped.
    json.annotations.push({ id: 4, image_id: 9, category_id: 1, bbox: [30, 30, 5, 5] });
    await writeCocoFixture(root, json);
    const ds = await loadDataset(URI, { dataRoot: root });
    expect(Array.from(ds.images[1]!.boxes)).toEqual([15, 15, 20, 20]);
    expect(ds.report.clippedBoxes).toBe(1);
    expect(ds.report.droppedBoxes).toBe(1);
    const err = (await loadDataset(URI, { dataRoot: root, strict: true }).catch((e: unknown) => e)) as DatasetError;
    expect(err).toMatchObject({ code: 'box-outside-image', entry: 'annotations[2].bbox' });
    expect(err.file).toContain('annotations.json');
  });

  it('rejects a zero or negative box size', async () => {
    expect(await errorOf((j) => (j.annotations[1]!['bbox'] = [1, 1, 0, 4]))).toMatchObject({ code: 'non-positive-size', entry: 'annotations[1].bbox' });
    expect(await errorOf((j) => (j.annotations[0]!['bbox'] = [1, 1, 3, -2]))).toMatchObject({ code: 'non-positive-size', entry: 'annotations[0].bbox' });
  });

  it('rejects a zero image size', async () => {
    // Without the header check (which would see 20×20 ≠ 0×20) the size rule itself speaks.
    expect(await errorOf((j) => (j.images[1]!['width'] = 0), false)).toMatchObject({ code: 'non-positive-size', entry: 'images[1]' });
    expect(await errorOf((j) => (j.images[1]!['height'] = -3), false)).toMatchObject({ code: 'non-positive-size', entry: 'images[1]' });
  });

  it('rejects an unknown category, an unknown image and duplicate ids', async () => {
    expect(await errorOf((j) => (j.annotations[2]!['category_id'] = 99))).toMatchObject({ code: 'unknown-category', entry: 'annotations[2].category_id' });
    expect(await errorOf((j) => (j.annotations[1]!['image_id'] = 8))).toMatchObject({ code: 'unknown-image', entry: 'annotations[1].image_id' });
    expect(await errorOf((j) => (j.annotations[2]!['id'] = 1))).toMatchObject({ code: 'duplicate-id', entry: 'annotations[2].id' });
    expect(await errorOf((j) => (j.images[1]!['id'] = 7))).toMatchObject({ code: 'duplicate-id', entry: 'images[1].id' });
    expect(await errorOf((j) => (j.categories[1]!['id'] = 3))).toMatchObject({ code: 'duplicate-id', entry: 'categories[1].id' });
  });

  it('rejects malformed entries with their path', async () => {
    expect(await errorOf((j) => (j.annotations[0]!['bbox'] = [1, 2, 3]))).toMatchObject({ code: 'invalid-entry', entry: 'annotations[0].bbox' });
    expect(await errorOf((j) => (j.annotations[0]!['bbox'] = [1, 'x', 3, 4]))).toMatchObject({ code: 'invalid-entry', entry: 'annotations[0].bbox[1]' });
    expect(await errorOf((j) => (j.images[0]!['file_name'] = 5))).toMatchObject({ code: 'invalid-entry', entry: 'images[0].file_name' });
  });

  it('rejects a missing image file, an unreadable image and a size that differs from the file', async () => {
    expect(await errorOf((j) => (j.images[0]!['file_name'] = 'missing.png'))).toMatchObject({ code: 'file-not-found', entry: 'images[0].file_name' });
    expect(await errorOf((j) => (j.images[0]!['file_name'] = '../annotations.json'))).toMatchObject({ code: 'path-escape', entry: 'images[0].file_name' });
    expect(await errorOf((j) => (j.images[0]!['width'] = 41))).toMatchObject({ code: 'invalid-entry', entry: 'images[0]' });
    await writeCocoFixture(root);
    fs.writeFileSync(path.join(root, 'coco/images/b.jpg'), 'not a jpeg');
    const err = (await loadDataset(URI, { dataRoot: root }).catch((e: unknown) => e)) as DatasetError;
    expect(err).toMatchObject({ code: 'unreadable-image', entry: 'images[1]' });
    expect(err.file).toContain('b.jpg');
  });

  it('rejects a missing or invalid annotations file', async () => {
    const missing = await loadDataset('coco:nope.json', { dataRoot: root }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'file-not-found', file: 'nope.json' });
    fs.writeFileSync(path.join(root, 'bad.json'), '{"images": [');
    expect(await loadDataset('coco:bad.json', { dataRoot: root }).catch((e: unknown) => e)).toMatchObject({ code: 'invalid-json' });
  });
});
