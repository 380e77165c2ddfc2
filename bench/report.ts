/**
 * `npm run bench:report`: rewrites the current-results tables of docs/benchmarks.md and README.md
 * from the newest record of each bench (bench/current-results.ts). `--check` changes nothing and
 * exits 1 when a table is out of date.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, expectedDocs } from './current-results';

function main(): void {
  const check = process.argv.includes('--check');
  const stale = expectedDocs().filter((d) => d.current !== d.expected);
  for (const d of stale) {
    if (check) console.error(`${d.file}: the current-results table is out of date; run npm run bench:report`);
    else writeFileSync(join(ROOT, d.file), d.expected);
  }
  if (check && stale.length > 0) process.exit(1);
  if (!check) console.log(stale.length === 0 ? 'the tables were up to date' : `updated ${stale.map((d) => d.file).join(', ')}`);
}

main();
