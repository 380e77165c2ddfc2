import fc from 'fast-check';
import type { CocoDataset } from './coco-format';
import { CocoInputError, readCocoResults, validateCocoGroundTruth } from './coco-input';
import { columnsFromDetections, scanCocoResults } from './coco-results-reader';

const gt: CocoDataset = {
  images: [{ id: 1 }, { id: 2 }],
  categories: [{ id: 7, name: 'cat' }],
  annotations: [
    { id: 1, image_id: 1, category_id: 7, bbox: [0, 0, 10, 10], area: 100 },
    { id: 2, image_id: 2, category_id: 7, bbox: [5, 5, 10, 10], area: 100, iscrowd: 1 },
  ],
};

function errorOf(fn: () => unknown): CocoInputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CocoInputError) return err;
    throw err;
  }
  throw new Error('expected a CocoInputError');
}

describe('validateCocoGroundTruth', () => {
  it('accepts a COCO file and returns it unchanged', () => {
    expect(validateCocoGroundTruth(gt, 'gt.json')).toBe(gt);
  });

  it('names the file and the JSON path of a missing or mistyped field', () => {
    const noBox = { ...gt, annotations: [gt.annotations[0], { ...gt.annotations[1], bbox: undefined }] };
    expect(errorOf(() => validateCocoGroundTruth(noBox, 'gt.json')).message).toMatch(/^gt\.json: annotations\[1\]\.bbox: /);
    const stringId = { ...gt, images: [{ id: '1' }] };
    expect(errorOf(() => validateCocoGroundTruth(stringId, 'gt.json')).path).toBe('images[0].id');
    expect(errorOf(() => validateCocoGroundTruth([], 'gt.json')).message).toMatch(/^gt\.json: /);
  });

  it('rejects a negative width and a repeated annotation id', () => {
    const negative = { ...gt, annotations: [{ ...gt.annotations[0], bbox: [0, 0, -1, 10] }] };
    expect(errorOf(() => validateCocoGroundTruth(negative, 'gt.json')).message).toBe('gt.json: annotations[0].bbox[2]: negative width');
    const repeated = { ...gt, annotations: [gt.annotations[0], { ...gt.annotations[1], id: 1 }] };
    expect(errorOf(() => validateCocoGroundTruth(repeated, 'gt.json')).message).toBe(
      'gt.json: annotations[1].id: duplicate id 1 (also annotations[0])',
    );
  });
});

describe('readCocoResults', () => {
  it('reads what JSON.parse reads, with extra fields, nesting, escapes and exponents in between', () => {
    const text = ` [ {"score": 5e-1, "extra": {"a": [1, {"b": null}], "s": "x\\"y"}, "image_id": 2, "category_id": 7,
      "bbox": [1.5E+1, -0.0, 2.25, 1e2], "flag": true},
      {"image_id":1,"category_id":7,"bbox":[0.1,0.2,0.30000000000000004,12345678901234567890],"score":0.8234567046165466} ] `;
    const fast = readCocoResults(text, 'dt.json', gt);
    const slow = columnsFromDetections(JSON.parse(text));
    expect(fast).toEqual(slow);
    expect(Object.is(fast.box[1], -0)).toBe(true);
  });

  it('falls back to JSON.parse for what the scanner leaves alone (a key with escapes, a repeated key)', () => {
    const escaped = '[{"image\\u005fid": 1, "category_id": 7, "bbox": [0, 0, 1, 1], "score": 0.5}]';
    expect(scanCocoResults(escaped)).toBeUndefined();
    expect(readCocoResults(escaped, 'dt.json', gt).imageId[0]).toBe(1);
    const repeated = '[{"image_id": 2, "image_id": 1, "category_id": 7, "bbox": [0, 0, 1, 1], "score": 0.5}]';
    expect(readCocoResults(repeated, 'dt.json', gt).imageId[0]).toBe(1); // JSON.parse keeps the last
  });

  it('reads any double exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 20 }), (xs) => {
        const dets = xs.map((x, i) => ({ image_id: 1, category_id: 7, bbox: [x, -x, Math.abs(x), i], score: x }));
        const text = JSON.stringify(dets);
        expect(scanCocoResults(text)).toEqual(columnsFromDetections(JSON.parse(text)));
      }),
    );
    // Long mantissas and far exponents written by other tools.
    const odd = '[{"image_id":1,"category_id":7,"bbox":[9007199254740993,1.00000000000000011102230246251565404236316680908203125,4.9e-324,1e-400],"score":123456789012345678901234567890e-20}]';
    expect(scanCocoResults(odd)).toEqual(columnsFromDetections(JSON.parse(odd)));
  });

  it('names the file and the entry of bad input', () => {
    expect(errorOf(() => readCocoResults('[{"image_id": 1,', 'dt.json', gt)).message).toMatch(/^dt\.json: not JSON \(/);
    expect(errorOf(() => readCocoResults('{"image_id": 1}', 'dt.json', gt)).message).toBe('dt.json: expected an array of detections');
    const stringScore = '[{"image_id":1,"category_id":7,"bbox":[0,0,1,1],"score":"0.5"}]';
    expect(errorOf(() => readCocoResults(stringScore, 'dt.json', gt)).path).toBe('[0].score');
    const negativeHeight = '[{"image_id":1,"category_id":7,"bbox":[0,0,1,1],"score":0.5},{"image_id":1,"category_id":7,"bbox":[0,0,1,-2],"score":0.5}]';
    expect(errorOf(() => readCocoResults(negativeHeight, 'dt.json', gt)).message).toBe('dt.json: [1].bbox[3]: negative height');
    const unknownImage = '[{"image_id":3,"category_id":7,"bbox":[0,0,1,1],"score":0.5}]';
    expect(errorOf(() => readCocoResults(unknownImage, 'dt.json', gt)).message).toBe('dt.json: [0].image_id: image 3 is not in the ground truth');
    const unknownCategory = '[{"image_id":1,"category_id":8,"bbox":[0,0,1,1],"score":0.5}]';
    expect(errorOf(() => readCocoResults(unknownCategory, 'dt.json', gt)).path).toBe('[0].category_id');
    const fractionalId = '[{"image_id":1.5,"category_id":7,"bbox":[0,0,1,1],"score":0.5}]';
    expect(errorOf(() => readCocoResults(fractionalId, 'dt.json', gt)).path).toBe('[0].image_id');
  });
});
