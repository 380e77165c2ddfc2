import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';

/**
 * Small on-disk datasets for tests, generated here (no data can be downloaded): a fresh data
 * root in the OS temp dir with a COCO set and a VOC set whose images sharp writes.
 */
export function makeDataRoot(prefix = 'ablate-data-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A solid-colour image of the given size, as PNG or JPEG. */
export async function writeSolidImage(file: string, width: number, height: number, format: 'png' | 'jpeg' = 'png'): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const img = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } });
  await (format === 'png' ? img.png() : img.jpeg()).toFile(file);
}

/** The COCO JSON of the fixture: two images (40×30 and 20×20), three boxes, two categories. */
export function cocoFixtureJson(): {
  images: Record<string, unknown>[];
  annotations: Record<string, unknown>[];
  categories: Record<string, unknown>[];
} {
  return {
    images: [
      { id: 7, width: 40, height: 30, file_name: 'a.png' },
      { id: 9, width: 20, height: 20, file_name: 'b.jpg' },
    ],
    annotations: [
      { id: 1, image_id: 7, category_id: 3, bbox: [2, 3, 10, 5], area: 42, iscrowd: 0 },
      { id: 2, image_id: 7, category_id: 1, bbox: [20, 10, 15, 15], iscrowd: 1 },
      { id: 3, image_id: 9, category_id: 3, bbox: [0, 0, 20, 20] },
    ],
    // Unsorted on purpose: the reader sorts by id (label 0 = id 1, label 1 = id 3).
    categories: [
      { id: 3, name: 'dog' },
      { id: 1, name: 'cat' },
    ],
  };
}

/** Writes the COCO fixture under `root/coco/` (annotations.json + images/a.png, images/b.jpg). */
export async function writeCocoFixture(root: string, json: object = cocoFixtureJson()): Promise<void> {
  await writeSolidImage(path.join(root, 'coco', 'images', 'a.png'), 40, 30);
  await writeSolidImage(path.join(root, 'coco', 'images', 'b.jpg'), 20, 20, 'jpeg');
  fs.writeFileSync(path.join(root, 'coco', 'annotations.json'), JSON.stringify(json));
}

export interface VocObject {
  name: string;
  box: [number, number, number, number];
  difficult?: boolean;
}

export function vocXml(width: number, height: number, objects: VocObject[]): string {
  const objs = objects
    .map(
      (o) =>
        `<object><name>${o.name}</name><difficult>${o.difficult ? 1 : 0}</difficult>` +
        `<bndbox><xmin>${o.box[0]}</xmin><ymin>${o.box[1]}</ymin><xmax>${o.box[2]}</xmax><ymax>${o.box[3]}</ymax></bndbox></object>`,
    )
    .join('');
  return `<annotation><filename>x.jpg</filename><size><width>${width}</width><height>${height}</height><depth>3</depth></size>${objs}</annotation>`;
}

/** Writes a VOC fixture under `root/voc/`: images 000001 (32×24, dog + difficult person) and 000002 (16×16, no object). */
export async function writeVocFixture(root: string, xmls?: Record<string, string>): Promise<void> {
  const voc = path.join(root, 'voc');
  const files = xmls ?? {
    '000001': vocXml(32, 24, [
      { name: 'dog', box: [1, 1, 10, 12] },
      { name: 'person', box: [5, 6, 32, 24], difficult: true },
    ]),
    '000002': vocXml(16, 16, []),
  };
  fs.mkdirSync(path.join(voc, 'Annotations'), { recursive: true });
  fs.mkdirSync(path.join(voc, 'ImageSets', 'Main'), { recursive: true });
  for (const [name, xml] of Object.entries(files)) {
    fs.writeFileSync(path.join(voc, 'Annotations', `${name}.xml`), xml);
    const size = /<width>(\d+)<\/width><height>(\d+)<\/height>/.exec(xml);
    // A size the XML declares as 0 (to test that error) still gets a real 8-pixel image.
    await writeSolidImage(path.join(voc, 'JPEGImages', `${name}.jpg`), Number(size?.[1]) || 8, Number(size?.[2]) || 8, 'jpeg');
  }
  fs.writeFileSync(path.join(voc, 'ImageSets', 'Main', 'trainval.txt'), Object.keys(files).join('\n') + '\n');
}
