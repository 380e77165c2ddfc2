import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCHES, ROOT, expectedDocs, newestRecords, readRecords, renderFullTable, withTable } from './current-results';
import { benchRecord, type BenchRecord } from './record';

const headline = { figure: 'x over y', value: '2.00×', baseline: 'y: 4 ms', goal: '≥ 1.5×', met: true };

function record(bench: string, recordedAt: string, value: string): BenchRecord {
  return { ...benchRecord(bench, [{ ...headline, value }], {}), recordedAt };
}

describe('current benchmark results', () => {
  it('docs/benchmarks.md and README.md show the newest recorded run of each bench (npm run bench:report)', () => {
    for (const doc of expectedDocs()) expect(doc.current, `${doc.file} is stale: run npm run bench:report`).toBe(doc.expected);
  });

  it('every bench of package.json has a recorded run, and the table lists every bench', () => {
    const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const benches = scripts.filter((s) => s.startsWith('bench:') && s !== 'bench:report').map((s) => s.slice('bench:'.length));
    expect([...benches].sort()).toEqual([...BENCHES].sort());
    const recorded = newestRecords(readRecords());
    expect(BENCHES.filter((b) => !recorded.has(b))).toEqual([]);
  });

  it('takes the newest record of a bench and marks a run of uncommitted code', () => {
    const older = record('ops', '2026-12-01T10:00:00.000Z', '1.00×');
    const newer = { ...record('ops', '2026-12-05T10:00:00.000Z', '3.00×'), commit: 'abc1234', dirty: true };
    const table = renderFullTable(newestRecords([newer, older]));
    expect(table).toContain('| 3.00× |');
    expect(table).not.toContain('| 1.00× |');
    expect(table).toContain('abc1234 + uncommitted changes, 2026-12-05 10:00 UTC');
    expect(table).toContain('not recorded yet: `npm run bench:engine -- --record`');
  });

  it('names the file and line of a malformed record', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ablate-records-'));
    try {
      writeFileSync(join(dir, 'ops.jsonl'), `${JSON.stringify(record('ops', '2026-12-05T10:00:00.000Z', '2×'))}\n{"bench":"ops"}\n`);
      expect(() => readRecords(dir)).toThrow(/ops\.jsonl:2: not a bench record/);
      writeFileSync(join(dir, 'ops.jsonl'), `${JSON.stringify(record('eval', '2026-12-05T10:00:00.000Z', '2×'))}\n`);
      expect(() => readRecords(dir)).toThrow(/ops\.jsonl:1: a record of bench 'eval' in the wrong file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a document without the markers instead of appending a table somewhere', () => {
    expect(() => withTable('# Benchmarks\n', '| t |', 'docs/x.md')).toThrow(/docs\/x\.md: the generated block's markers are missing/);
  });
});
