import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetError } from '../dataset/dataset-error';
import { makeDataRoot, removeDir, writeCocoFixture } from '../testing/fixtures';
import { parseDatasetUri } from './dataset-uri';
import { loadDataset } from './load-dataset';

describe('parseDatasetUri', () => {
  it('parses the three schemes with their defaults', () => {
    expect(parseDatasetUri('synthetic:shapes')).toEqual({ kind: 'synthetic', options: { images: 512, size: 128, seed: 0, split: 'train' } });
    expect(parseDatasetUri('synthetic:shapes?images=16&size=64&seed=3&split=val')).toEqual({
      kind: 'synthetic',
      options: { images: 16, size: 64, seed: 3, split: 'val' },
    });
    expect(parseDatasetUri('synthetic:shapes?split=test')).toMatchObject({ options: { split: 'test' } });
    expect(parseDatasetUri('synthetic:shapes?sizes=medium,large')).toMatchObject({ options: { sizes: ['medium', 'large'] } });
    expect(parseDatasetUri('coco:a/b.json?images=a/img')).toEqual({ kind: 'coco', annotations: 'a/b.json', images: 'a/img' });
    expect(parseDatasetUri('coco:a/b.json')).toEqual({ kind: 'coco', annotations: 'a/b.json' });
    expect(parseDatasetUri('voc:VOC2007')).toEqual({ kind: 'voc', root: 'VOC2007', split: 'trainval' });
    expect(parseDatasetUri('voc:VOC2007?split=test&classes=a,b')).toEqual({ kind: 'voc', root: 'VOC2007', split: 'test', classes: ['a', 'b'] });
  });

  it.each([
    ['shapes', undefined],
    ['ftp:x', undefined],
    ['synthetic:circles', undefined],
    ['synthetic:shapes?images=0', 'images'],
    ['synthetic:shapes?images=1.5', 'images'],
    ['synthetic:shapes?size=16', 'size'],
    ['synthetic:shapes?seed=-1', 'seed'],
    ['synthetic:shapes?split=holdout', 'split'],
    ['synthetic:shapes?colour=red', 'colour'],
    ['synthetic:shapes?sizes=tiny', 'sizes'],
    ['synthetic:shapes?sizes=', 'sizes'],
    ['coco:', undefined],
    ['coco:a.json?imgs=x', 'imgs'],
    ['voc:?split=x', undefined],
    ['voc:r?split=a/../b', 'split'],
  ])('refuses %s as bad-uri', (uri, entry) => {
    const err = (() => {
      try {
        parseDatasetUri(uri);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(DatasetError);
    expect(err).toMatchObject({ code: 'bad-uri', file: uri, entry });
  });
});

describe('loadDataset paths stay inside the data root', () => {
  let root: string;
  let outside: string;
  beforeAll(async () => {
    root = makeDataRoot('ablate-root-');
    outside = makeDataRoot('ablate-outside-');
    await writeCocoFixture(root);
    await writeCocoFixture(outside);
  });
  afterAll(() => {
    removeDir(root);
    removeDir(outside);
  });

  async function codeOf(uri: string, dataRoot = root): Promise<string | undefined> {
    const err = await loadDataset(uri, { dataRoot }).catch((e: unknown) => e);
    return err instanceof DatasetError ? err.code : 'no error';
  }

  it('loads relative paths and absolute paths inside the root', async () => {
    expect((await loadDataset('coco:coco/annotations.json?images=coco/images', { dataRoot: root })).images).toHaveLength(2);
    const abs = path.join(root, 'coco/annotations.json');
    expect((await loadDataset(`coco:${abs}?images=${path.join(root, 'coco/images')}`, { dataRoot: root })).images).toHaveLength(2);
  });

  it('refuses .., absolute paths elsewhere and symlinks out', async () => {
    expect(await codeOf('coco:coco/../coco/annotations.json?images=coco/images')).toBe('path-escape');
    expect(await codeOf('coco:coco/annotations.json?images=coco/images/..')).toBe('path-escape');
    expect(await codeOf(`coco:${path.join(outside, 'coco/annotations.json')}?images=coco/images`)).toBe('path-escape');
    expect(await codeOf('coco:/etc/passwd')).toBe('path-escape');
    fs.symlinkSync(path.join(outside, 'coco'), path.join(root, 'link-out'));
    expect(await codeOf('coco:link-out/annotations.json?images=coco/images')).toBe('path-escape');
    expect(await codeOf('coco:coco/annotations.json?images=link-out/images')).toBe('path-escape');
    expect(await codeOf('voc:link-out')).toBe('path-escape');
  });

  it('follows a symlink that stays inside the root', async () => {
    fs.symlinkSync(path.join(root, 'coco'), path.join(root, 'link-in'));
    expect((await loadDataset('coco:link-in/annotations.json?images=link-in/images', { dataRoot: root })).images).toHaveLength(2);
  });

  it('refuses an image file symlinked out of the root', async () => {
    const sub = path.join(root, 'escape');
    fs.mkdirSync(path.join(sub, 'images'), { recursive: true });
    fs.symlinkSync(path.join(outside, 'coco/images/a.png'), path.join(sub, 'images/a.png'));
    fs.copyFileSync(path.join(root, 'coco/images/b.jpg'), path.join(sub, 'images/b.jpg'));
    fs.copyFileSync(path.join(root, 'coco/annotations.json'), path.join(sub, 'annotations.json'));
    const err = await loadDataset('coco:escape/annotations.json?images=escape/images', { dataRoot: root }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'path-escape', entry: 'images[0].file_name' });
  });

  it('uses ABLATE_DATA_ROOT when no root is given', async () => {
    const saved = process.env['ABLATE_DATA_ROOT'];
    process.env['ABLATE_DATA_ROOT'] = root;
    try {
      expect((await loadDataset('coco:coco/annotations.json?images=coco/images')).images).toHaveLength(2);
    } finally {
      if (saved === undefined) delete process.env['ABLATE_DATA_ROOT'];
      else process.env['ABLATE_DATA_ROOT'] = saved;
    }
  });

  it('serves synthetic datasets without a data root', async () => {
    const ds = await loadDataset('synthetic:shapes?images=4&size=64', { dataRoot: path.join(root, 'does-not-exist') });
    expect(ds.images).toHaveLength(4);
  });
});
