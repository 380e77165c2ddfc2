import sharp from 'sharp';
import type { DatasetImage, RgbImage } from '../dataset/dataset';
import { DatasetError } from '../dataset/dataset-error';

/**
 * Decodes a PNG or JPEG file to 8-bit RGB (alpha dropped, greyscale expanded, EXIF orientation
 * ignored so pixels match the annotated size). Runs on libuv's thread pool: the event loop stays
 * free while libvips decodes, which is what lets prefetching overlap the trainer.
 *
 * @throws DatasetError `unreadable-image` naming the file.
 */
export async function decodeImageFile(file: string): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(file, { failOn: 'error' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (err) {
    throw new DatasetError('unreadable-image', `cannot decode image: ${(err as Error).message}`, file);
  }
}

/** Width and height from the file's header, without decoding it. */
export async function readImageSize(file: string, entry?: string): Promise<{ width: number; height: number }> {
  try {
    const meta = await sharp(file).metadata();
    if (!meta.width || !meta.height) throw new Error('no size in header');
    return { width: meta.width, height: meta.height };
  } catch (err) {
    throw new DatasetError('unreadable-image', `cannot read image: ${(err as Error).message}`, file, entry);
  }
}

/** The pixels of a dataset image: rendered in memory (synthetic) or decoded from its file. */
export async function loadImagePixels(image: DatasetImage): Promise<RgbImage> {
  if (image.render) return image.render();
  if (image.file === undefined) throw new DatasetError('unreadable-image', `image ${image.id} has neither a file nor pixels`);
  const rgb = await decodeImageFile(image.file);
  if (rgb.width !== image.width || rgb.height !== image.height) {
    throw new DatasetError(
      'unreadable-image',
      `decoded size ${rgb.width}×${rgb.height} differs from the annotated ${image.width}×${image.height}`,
      image.file,
    );
  }
  return rgb;
}

/** RGB pixels as PNG bytes (lossless). */
export async function encodePng(image: RgbImage): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).png({ compressionLevel: 6 }).toBuffer();
}

/** Encodes RGB pixels as a PNG (lossless, so reading it back gives the same bytes). */
export async function writePng(image: RgbImage, file: string): Promise<void> {
  await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toFile(file);
}
