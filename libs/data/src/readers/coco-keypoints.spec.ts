import { datasetKeypointCount } from '../dataset/dataset';
import { DatasetError } from '../dataset/dataset-error';
import { toCocoGroundTruth } from '../convert/to-coco';
import { loadDataset } from '../uri/load-dataset';
import { cocoFixtureJson, makeDataRoot, removeDir, writeCocoFixture } from '../testing/fixtures';

const URI = 'coco:coco/annotations.json?images=coco/images';

/** The COCO fixture as a person-keypoint file with K = 3: category 1 names nose, left_eye, right_eye. */
function keypointJson(): ReturnType<typeof cocoFixtureJson> {
  const json = cocoFixtureJson();
  json.categories = [
    { id: 3, name: 'dog' },
    { id: 1, name: 'person', keypoints: ['nose', 'left_eye', 'right_eye'], skeleton: [[1, 2], [1, 3]] },
  ];
  // Image 7: a person with two labelled points (one occluded) and an unlabelled one; a dog.
  json.annotations = [
    { id: 1, image_id: 7, category_id: 1, bbox: [2, 3, 10, 5], area: 42, keypoints: [4, 5, 2, 9.5, 6, 1, 0, 0, 0], num_keypoints: 2 },
    { id: 2, image_id: 7, category_id: 3, bbox: [20, 10, 15, 15] },
    // A crowd of people: all points unlabelled, num_keypoints 0 (as in COCO).
    { id: 3, image_id: 9, category_id: 1, bbox: [0, 0, 20, 20], iscrowd: 1, keypoints: [0, 0, 0, 0, 0, 0, 0, 0, 0], num_keypoints: 0 },
  ];
  return json;
}

describe('COCO reader: person keypoints', () => {
  let root: string;
  beforeEach(() => {
    root = makeDataRoot();
  });
  afterEach(() => removeDir(root));

  async function errorOf(edit: (j: ReturnType<typeof cocoFixtureJson>) => void): Promise<DatasetError> {
    const json = keypointJson();
    edit(json);
    await writeCocoFixture(root, json);
    const err = await loadDataset(URI, { dataRoot: root }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    return err as DatasetError;
  }

  it('reads keypoints, num_keypoints, the names and the skeleton; a box without keypoints gets K unlabelled ones', async () => {
    await writeCocoFixture(root, keypointJson());
    const ds = await loadDataset(URI, { dataRoot: root });
    expect(datasetKeypointCount(ds)).toBe(3);
    expect(ds.categories[0]).toEqual({ id: 1, name: 'person', keypoints: ['nose', 'left_eye', 'right_eye'], skeleton: [[1, 2], [1, 3]] });
    expect(ds.categories[1]).toEqual({ id: 3, name: 'dog' });
    const [a, b] = ds.images;
    expect(Array.from(a!.keypoints!)).toEqual([4, 5, 2, 9.5, 6, 1, 0, 0, 0, /* the dog */ 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(a!.numKeypoints!)).toEqual([2, 0]);
    expect(Array.from(b!.keypoints!)).toEqual(new Array(9).fill(0));
    expect(Array.from(b!.numKeypoints!)).toEqual([0]);
    // Back to COCO as a person_keypoints file holds them.
    const gt = toCocoGroundTruth(ds);
    expect(gt.annotations[0]).toMatchObject({ keypoints: [4, 5, 2, 9.5, 6, 1, 0, 0, 0], num_keypoints: 2 });
    expect(gt.categories[0]).toEqual({ id: 1, name: 'person', keypoints: ['nose', 'left_eye', 'right_eye'], skeleton: [[1, 2], [1, 3]] });
  });

  it('counts num_keypoints (v > 0) when the file leaves it out, and stores an unlabelled point as (0, 0, 0)', async () => {
    const json = keypointJson();
    json.annotations[0] = { ...json.annotations[0], keypoints: [4, 5, 2, 7, 7, 0, 8, 4, 1] };
    delete json.annotations[0]!['num_keypoints'];
    await writeCocoFixture(root, json);
    const ds = await loadDataset(URI, { dataRoot: root });
    expect(Array.from(ds.images[0]!.keypoints!.subarray(0, 9))).toEqual([4, 5, 2, 0, 0, 0, 8, 4, 1]);
    expect(ds.images[0]!.numKeypoints![0]).toBe(2);
  });

  it('refuses malformed keypoints, naming the file and the entry', async () => {
    const wrongLength = await errorOf((j) => (j.annotations[0]!['keypoints'] = [4, 5, 2, 9, 6, 1]));
    expect(wrongLength).toMatchObject({ code: 'invalid-keypoints', entry: 'annotations[0].keypoints' });
    expect(wrongLength.message).toMatch(/annotations\.json annotations\[0\]\.keypoints: expected 9 numbers/);
    expect(await errorOf((j) => (j.annotations[0]!['keypoints'] = [4, 5, 3, 9, 6, 1, 0, 0, 0]))).toMatchObject({
      code: 'invalid-keypoints',
      entry: 'annotations[0].keypoints[2]',
    });
    expect(await errorOf((j) => (j.annotations[0]!['keypoints'] = [4, 5, 2, 9, null, 1, 0, 0, 0]))).toMatchObject({
      code: 'invalid-keypoints',
      entry: 'annotations[0].keypoints[4]',
    });
    // JSON has no Infinity; a number too large for a double parses as one.
    expect(await errorOf((j) => (j.annotations[0]!['keypoints'] = [4, 5, 2, 1e400, 6, 1, 0, 0, 0]))).toMatchObject({
      code: 'invalid-keypoints',
      entry: 'annotations[0].keypoints[3]',
    });
    expect(await errorOf((j) => (j.annotations[0]!['num_keypoints'] = 4))).toMatchObject({ code: 'invalid-keypoints', entry: 'annotations[0].num_keypoints' });
    // Keypoints on a category that names none.
    expect(await errorOf((j) => (j.annotations[1]!['keypoints'] = [1, 1, 2, 1, 1, 2, 1, 1, 2]))).toMatchObject({ code: 'invalid-keypoints', entry: 'annotations[1].keypoints' });
  });

  it('refuses a malformed skeleton or keypoint names', async () => {
    expect(await errorOf((j) => (j.categories[1]!['skeleton'] = [[1, 2], [0, 3]]))).toMatchObject({ code: 'invalid-keypoints', entry: 'categories[1].skeleton[1]' });
    expect(await errorOf((j) => (j.categories[1]!['skeleton'] = [[1, 4]]))).toMatchObject({ code: 'invalid-keypoints', entry: 'categories[1].skeleton[0]' });
    expect(await errorOf((j) => (j.categories[1]!['keypoints'] = ['nose', 7, 'right_eye']))).toMatchObject({ code: 'invalid-entry', entry: 'categories[1].keypoints[1]' });
  });
});
