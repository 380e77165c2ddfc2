import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetError } from '../dataset/dataset-error';
import { toCocoGroundTruth } from '../convert/to-coco';
import { loadDataset } from '../uri/load-dataset';
import { makeDataRoot, removeDir, vocXml, writeVocFixture } from '../testing/fixtures';
import { VOC_CLASSES } from './voc-reader';

describe('Pascal VOC reader', () => {
  let root: string;
  beforeEach(() => {
    root = makeDataRoot();
  });
  afterEach(() => removeDir(root));

  async function errorOf(xmls: Record<string, string>, options: { strict?: boolean; checkImages?: boolean } = {}): Promise<DatasetError> {
    await writeVocFixture(root, xmls);
    const err = await loadDataset('voc:voc?split=trainval', { dataRoot: root, ...options }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    return err as DatasetError;
  }

  it('reads the split, 1-based boxes as XYXY, the 20 classes and difficult flags', async () => {
    await writeVocFixture(root);
    const ds = await loadDataset('voc:voc', { dataRoot: root });
    expect(ds.categories).toHaveLength(20);
    expect(ds.categories[11]).toEqual({ id: 12, name: 'dog' });
    expect(ds.images.map((i) => [i.id, i.width, i.height])).toEqual([[1, 32, 24], [2, 16, 16]]);
    const img = ds.images[0]!;
    // (xmin, ymin, xmax, ymax) = (1, 1, 10, 12) → (0, 0, 10, 12); (5, 6, 32, 24) → (4, 5, 32, 24).
    expect(Array.from(img.boxes)).toEqual([0, 0, 10, 12, 4, 5, 32, 24]);
    expect(Array.from(img.labels)).toEqual([VOC_CLASSES.indexOf('dog'), VOC_CLASSES.indexOf('person')]);
    expect(Array.from(img.difficult)).toEqual([0, 1]);
    expect(img.file).toBe(fs.realpathSync(path.join(root, 'voc/JPEGImages/000001.jpg')));
    expect(ds.report.emptyImages).toBe(1);
    const gt = toCocoGroundTruth(ds);
    // Box 2 is 28 × 19 = 532 px, difficult kept for VOC evaluation.
    expect(gt.annotations[1]).toEqual({ id: 2, image_id: 1, category_id: 15, bbox: [4, 5, 28, 19], area: 532, iscrowd: 0, difficult: true });
  });

  it('takes a custom class list from the URI', async () => {
    await writeVocFixture(root, { a: vocXml(10, 10, [{ name: 'blob', box: [2, 2, 5, 5] }]) });
    const ds = await loadDataset('voc:voc?classes=thing,blob', { dataRoot: root });
    expect(ds.categories).toEqual([{ id: 1, name: 'thing' }, { id: 2, name: 'blob' }]);
    expect(Array.from(ds.images[0]!.labels)).toEqual([1]);
  });

  it('rejects an unknown class naming the XML file and object', async () => {
    const err = await errorOf({ '000001': vocXml(10, 10, [{ name: 'dog', box: [1, 1, 4, 4] }, { name: 'unicorn', box: [1, 1, 4, 4] }]) });
    expect(err).toMatchObject({ code: 'unknown-category', entry: 'object[1].name' });
    expect(err.file).toMatch(/Annotations\/000001\.xml$/);
  });

  it('clips a box outside the image (counted) or rejects it under strict', async () => {
    // 10×10 image; (3, 3, 14, 8) → XYXY (2, 2, 14, 8) → clipped (2, 2, 10, 8).
    const xmls = { '000001': vocXml(10, 10, [{ name: 'cat', box: [3, 3, 14, 8] }]) };
    await writeVocFixture(root, xmls);
    const ds = await loadDataset('voc:voc', { dataRoot: root });
    expect(Array.from(ds.images[0]!.boxes)).toEqual([2, 2, 10, 8]);
    expect(ds.report.clippedBoxes).toBe(1);
    expect(await errorOf(xmls, { strict: true })).toMatchObject({ code: 'box-outside-image', entry: 'object[0].bndbox' });
  });

  it('rejects a zero-size box, a zero-size image, a bad coordinate and a duplicate id', async () => {
    expect(await errorOf({ '000001': vocXml(10, 10, [{ name: 'cat', box: [5, 3, 4, 8] }]) })).toMatchObject({ code: 'non-positive-size', entry: 'object[0].bndbox' });
    const zero = vocXml(10, 10, []).replace('<width>10</width>', '<width>0</width>');
    // With the header check, the file (8×10) contradicts <size>; without it, the size rule itself speaks.
    expect(await errorOf({ '000001': zero })).toMatchObject({ code: 'invalid-entry', entry: 'size' });
    expect(await errorOf({ '000001': zero }, { checkImages: false })).toMatchObject({ code: 'non-positive-size', entry: 'size' });
    const bad = vocXml(10, 10, [{ name: 'cat', box: [1, 1, 4, 4] }]).replace('<xmax>4</xmax>', '<xmax>four</xmax>');
    expect(await errorOf({ '000001': bad })).toMatchObject({ code: 'invalid-entry', entry: 'object[0].bndbox.xmax' });
    await writeVocFixture(root, { a: vocXml(8, 8, []) });
    fs.writeFileSync(path.join(root, 'voc/ImageSets/Main/trainval.txt'), 'a\na\n');
    const dup = await loadDataset('voc:voc', { dataRoot: root }).catch((e: unknown) => e);
    expect(dup).toMatchObject({ code: 'duplicate-id', entry: 'line 2' });
  });

  it('rejects a missing annotation or split file', async () => {
    await writeVocFixture(root);
    fs.rmSync(path.join(root, 'voc/Annotations/000002.xml'));
    expect(await loadDataset('voc:voc', { dataRoot: root }).catch((e: unknown) => e)).toMatchObject({ code: 'file-not-found', entry: 'line 2' });
    expect(await loadDataset('voc:voc?split=test', { dataRoot: root }).catch((e: unknown) => e)).toMatchObject({ code: 'file-not-found' });
  });
});
