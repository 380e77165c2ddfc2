import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSpecFile, SpecFileError } from './sweep.command';

describe('readSpecFile', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ablate-spec-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('parses a JSON spec', () => {
    const file = path.join(dir, 'ok.json');
    fs.writeFileSync(file, '{"name": "s", "grid": {"gamma": [0, 2]}}');
    expect(readSpecFile(file)).toEqual({ name: 's', grid: { gamma: [0, 2] } });
  });

  it('names the file that is missing or not JSON', () => {
    expect(() => readSpecFile(path.join(dir, 'nope.json'))).toThrow(new SpecFileError(path.join(dir, 'nope.json'), 'no such file'));
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{"name": ');
    expect(() => readSpecFile(bad)).toThrow(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid JSON`));
  });
});
