import { rleDecode, rleEncode, rleFromPolygon, rleToString, segmentationToRle } from '@ablate/detection';
import { DatasetError } from '../dataset/dataset-error';
import { toCocoGroundTruth } from '../convert/to-coco';
import { loadDataset } from '../uri/load-dataset';
import { cocoFixtureJson, makeDataRoot, removeDir, writeCocoFixture } from '../testing/fixtures';

const URI = 'coco:coco/annotations.json?images=coco/images';

/** Image 7 is 40×30 (w×h), image 9 is 20×20. */
function maskedFixture(): ReturnType<typeof cocoFixtureJson> {
  const json = cocoFixtureJson();
  const [a, b, c] = json.annotations as Record<string, unknown>[];
  // A polygon (triangle) inside bbox [2, 3, 10, 5].
  a!['segmentation'] = [[2, 3, 12, 3, 7, 8]];
  // The crowd region as an uncompressed RLE of a 15×15 square at (20, 10) in the 30×40 image.
  const crowd = new Uint8Array(30 * 40);
  for (let x = 20; x < 35; x++) for (let y = 10; y < 25; y++) crowd[x * 30 + y] = 1;
  b!['segmentation'] = { size: [30, 40], counts: Array.from(rleEncode(crowd, 30, 40).counts) };
  // Image 9: a compressed RLE of a 10×10 square at the top-left.
  const sq = new Uint8Array(400);
  for (let x = 0; x < 10; x++) for (let y = 0; y < 10; y++) sq[x * 20 + y] = 1;
  c!['segmentation'] = { size: [20, 20], counts: rleToString(rleEncode(sq, 20, 20)) };
  return json;
}

describe('COCO reader: segmentation', () => {
  let root: string;
  beforeEach(() => {
    root = makeDataRoot();
  });
  afterEach(() => removeDir(root));

  async function errorOf(edit: (annotations: Record<string, unknown>[]) => void): Promise<DatasetError> {
    const json = maskedFixture();
    edit(json.annotations as Record<string, unknown>[]);
    await writeCocoFixture(root, json);
    const err = await loadDataset(URI, { dataRoot: root }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    return err as DatasetError;
  }

  it('reads polygons, uncompressed and compressed RLE as the COCO API does', async () => {
    await writeCocoFixture(root, maskedFixture());
    const ds = await loadDataset(URI, { dataRoot: root });
    const [a, b] = ds.images;
    expect(a!.masks).toHaveLength(2);
    expect(rleDecode(a!.masks![0]!)).toEqual(rleDecode(rleFromPolygon([2, 3, 12, 3, 7, 8], 30, 40)));
    expect(rleDecode(a!.masks![1]!).reduce((s, v) => s + v, 0)).toBe(225);
    expect(rleDecode(b!.masks![0]!).reduce((s, v) => s + v, 0)).toBe(100);
  });

  it('round-trips through toCocoGroundTruth: the emitted segmentation decodes to the same masks', async () => {
    await writeCocoFixture(root, maskedFixture());
    const ds = await loadDataset(URI, { dataRoot: root });
    const gt = toCocoGroundTruth(ds);
    const masks = ds.images.flatMap((img) => img.masks!);
    expect(gt.annotations).toHaveLength(3);
    gt.annotations.forEach((ann, i) => {
      const img = gt.images.find((im) => im.id === ann.image_id)!;
      const rle = segmentationToRle(ann.segmentation, img.height!, img.width!);
      expect(rleDecode(rle)).toEqual(rleDecode(masks[i]!));
      expect(typeof (ann.segmentation as { counts: unknown }).counts).toBe('string');
    });
  });

  it('treats an empty segmentation list as "no mask" and leaves that image without masks', async () => {
    const json = maskedFixture();
    (json.annotations as Record<string, unknown>[])[0]!['segmentation'] = [];
    await writeCocoFixture(root, json);
    const ds = await loadDataset(URI, { dataRoot: root });
    expect(ds.images[0]!.masks).toBeUndefined();
    expect(ds.images[1]!.masks).toHaveLength(1);
    expect(toCocoGroundTruth(ds).annotations[0]!.segmentation).toBeUndefined();
  });

  it('rejects bad segmentations naming the file and JSON path', async () => {
    const odd = await errorOf((a) => (a[0]!['segmentation'] = [[2, 3, 12, 3, 7]]));
    expect(odd.code).toBe('invalid-segmentation');
    expect(odd.file).toMatch(/annotations\.json$/);
    expect(odd.entry).toBe('annotations[0].segmentation[0]');
    expect(odd.message).toMatch(/x, y pairs, got 5 numbers/);

    const mixed = await errorOf((a) => (a[0]!['segmentation'] = [[2, 3, 12, 3], [2, 3, 12, 3, 7, 8]]));
    expect(mixed.entry).toBe('annotations[0].segmentation[1]');
    const nan = await errorOf((a) => (a[0]!['segmentation'] = [[2, 3, 12, 'x', 7, 8]]));
    expect(nan.entry).toBe('annotations[0].segmentation[0][3]');

    const size = await errorOf((a) => ((a[2]!['segmentation'] as { size: number[] }).size = [20, 21]));
    expect(size.entry).toBe('annotations[2].segmentation.size');
    expect(size.message).toMatch(/RLE size is 20×21 .* image is 20×20/);

    const short = await errorOf((a) => (a[1]!['segmentation'] = { size: [30, 40], counts: [5, 10] }));
    expect(short.entry).toBe('annotations[1].segmentation.counts');
    expect(short.message).toMatch(/cover 15 pixels, the 30×40 mask has 1200/);

    const neg = await errorOf((a) => (a[1]!['segmentation'] = { size: [30, 40], counts: [5, -1, 1196] }));
    expect(neg.entry).toBe('annotations[1].segmentation.counts[1]');

    const chars = await errorOf((a) => (a[2]!['segmentation'] = { size: [20, 20], counts: '~~' }));
    expect(chars.entry).toBe('annotations[2].segmentation.counts');

    const kind = await errorOf((a) => (a[0]!['segmentation'] = 'polygon'));
    expect(kind.entry).toBe('annotations[0].segmentation');
    expect(kind.message).toMatch(/expected polygons/);
  });
});
