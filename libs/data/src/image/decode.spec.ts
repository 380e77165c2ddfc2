import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { DatasetError } from '../dataset/dataset-error';
import { makeDataRoot, removeDir } from '../testing/fixtures';
import { decodeImageFile, loadImagePixels, writePng } from './decode';

describe('image decoding', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeDataRoot('ablate-decode-');
  });
  afterEach(() => removeDir(dir));

  it('round-trips RGB pixels through PNG exactly', async () => {
    // 3×2 image, pixel k = (10k, 20k, 30k).
    const data = Uint8Array.from({ length: 18 }, (_, i) => 10 * Math.floor(i / 3) * ((i % 3) + 1));
    await writePng({ width: 3, height: 2, data }, path.join(dir, 'a.png'));
    const rgb = await decodeImageFile(path.join(dir, 'a.png'));
    expect([rgb.width, rgb.height]).toEqual([3, 2]);
    expect(Array.from(rgb.data)).toEqual(Array.from(data));
  });

  it('drops alpha, expands greyscale and decodes JPEG to 3 channels', async () => {
    await sharp({ create: { width: 4, height: 4, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } }).png().toFile(path.join(dir, 'rgba.png'));
    await sharp(Buffer.alloc(16, 77), { raw: { width: 4, height: 4, channels: 1 } }).png().toFile(path.join(dir, 'grey.png'));
    await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 40, b: 90 } } }).jpeg({ quality: 95 }).toFile(path.join(dir, 'c.jpg'));
    const rgba = await decodeImageFile(path.join(dir, 'rgba.png'));
    expect(Array.from(rgba.data.subarray(0, 3))).toEqual([10, 200, 30]);
    expect(rgba.data.length).toBe(4 * 4 * 3);
    expect(Array.from((await decodeImageFile(path.join(dir, 'grey.png'))).data.subarray(0, 3))).toEqual([77, 77, 77]);
    const jpg = await decodeImageFile(path.join(dir, 'c.jpg'));
    // JPEG is lossy: within a few levels of (200, 40, 90).
    [200, 40, 90].forEach((v, c) => expect(Math.abs(jpg.data[c]! - v)).toBeLessThanOrEqual(4));
  });

  it('names the file of an unreadable image, and a decoded size that differs from the annotation', async () => {
    fs.writeFileSync(path.join(dir, 'bad.png'), 'garbage');
    const err = await decodeImageFile(path.join(dir, 'bad.png')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect(err).toMatchObject({ code: 'unreadable-image', file: path.join(dir, 'bad.png') });
    await writePng({ width: 2, height: 2, data: new Uint8Array(12) }, path.join(dir, 'small.png'));
    const image = { id: 1, width: 3, height: 2, file: path.join(dir, 'small.png'), boxes: new Float32Array(0), labels: new Int32Array(0), crowd: new Uint8Array(0), difficult: new Uint8Array(0) };
    expect(await loadImagePixels(image).catch((e: unknown) => e)).toMatchObject({ code: 'unreadable-image' });
  });
});
