import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { createTemporaryDatabase, dropRedisPrefix, type TemporaryDatabase } from '@ablate/store/testing';
import { createApiApp, type ApiApp } from './create-api-app';

/**
 * Every example of README.md and docs/ that a reader would paste is run here: JSON sweep specs
 * and run configs go to a real API (201), curl bodies too, and each `ablate` command line names
 * a command and options the CLI has. A block that is not meant to run says so in an HTML comment
 * `<!-- example: … not run -->` just before it; the skipped ones are listed with their reason.
 */
const ROOT = path.resolve(__dirname, '../../..');
const DOCS = ['README.md', 'docs/api.md', 'docs/architecture.md', 'docs/recipes.md'];
const KEY = 'docs-examples-key';
const redisUrl = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
const prefix = `ablate-test-docs-${randomBytes(4).toString('hex')}`;

interface Block {
  file: string;
  line: number;
  lang: string;
  text: string;
  /** The reason from a preceding `<!-- example: … not run -->`, if any. */
  skip?: string;
}

function blocksOf(file: string): Block[] {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    const comment = /<!--\s*example:\s*(.*?not run.*?)\s*-->/.exec(lines[i - 1] ?? '');
    blocks.push({ file, line: i + 1, lang: open[1]!, text: lines.slice(i + 1, end).join('\n'), ...(comment ? { skip: comment[1] } : {}) });
    i = end;
  }
  return blocks;
}

const blocks = DOCS.flatMap(blocksOf);
const runnable = blocks.filter((b) => !b.skip);
const where = (b: Block) => `${b.file}:${b.line}`;

/** JSON bodies: ```json blocks and curl `-d '…'` payloads. */
function jsonExamples(): { at: string; body: Record<string, unknown> }[] {
  const out: { at: string; body: Record<string, unknown> }[] = [];
  for (const b of runnable) {
    if (b.lang === 'json') out.push({ at: where(b), body: JSON.parse(b.text) as Record<string, unknown> });
    for (const m of b.text.matchAll(/-d '([^']*)'/g)) out.push({ at: `${where(b)} (curl -d)`, body: JSON.parse(m[1]!) as Record<string, unknown> });
  }
  return out;
}

/** `ablate …` / `npx ablate …` command lines of shell blocks, without comments and pipes' other sides. */
function cliLines(): { at: string; words: string[] }[] {
  const out: { at: string; words: string[] }[] = [];
  for (const b of runnable.filter((x) => x.lang === 'sh')) {
    for (const raw of b.text.split('\n')) {
      for (const part of raw.replace(/#.*$/, '').split('|')) {
        const m = /^\s*(?:npx\s+)?ablate\s+(.*)$/.exec(part);
        if (m) out.push({ at: where(b), words: m[1]!.trim().split(/\s+/) });
      }
    }
  }
  return out;
}

let db: TemporaryDatabase;
let api: ApiApp;
let http: ReturnType<typeof request>;

beforeAll(async () => {
  db = await createTemporaryDatabase('ablate_docs');
  api = await createApiApp({ databaseUrl: db.url, redisUrl, queuePrefix: prefix, apiKeys: [KEY], reconcileEveryMs: 0, logger: false });
  http = request(api.app.getHttpServer());
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
  await dropRedisPrefix(redisUrl, prefix);
});

describe('the examples of README.md and docs/', () => {
  it('finds the examples, and says why each skipped one is not run', () => {
    expect(jsonExamples().length).toBeGreaterThanOrEqual(3);
    expect(cliLines().length).toBeGreaterThanOrEqual(8);
    const skipped = blocks.filter((b) => b.skip).map((b) => `${where(b)}: ${b.skip}`);
    console.log(`docs examples skipped:\n  ${skipped.join('\n  ') || '(none)'}`);
    for (const b of blocks.filter((x) => x.skip)) expect(b.skip).toMatch(/not run/);
  });

  it('every JSON example is accepted by the API: sweep specs by POST /sweeps, run configs by POST /runs', async () => {
    for (const { at, body } of jsonExamples()) {
      // A sweep spec has a grid, or (random and sobol search) a space.
      const isSweep = 'grid' in body || 'space' in body;
      const res = isSweep ? await http.post('/sweeps').set('Authorization', `Bearer ${KEY}`).send(body) : await http.post('/runs').set('Authorization', `Bearer ${KEY}`).send({ config: body });
      expect(res.status, `${at}: ${JSON.stringify(res.body)}`).toBe(201);
      const cancel = isSweep ? `/sweeps/${res.body.id}/cancel` : `/runs/${res.body.id}/cancel`;
      expect((await http.post(cancel).set('Authorization', `Bearer ${KEY}`)).status, at).toBe(202);
    }
  });

  it('every `ablate` command line names a command and options the CLI has', async () => {
    const helps = new Map<string, string>();
    for (const { at, words } of cliLines()) {
      const command = words.filter((w, i) => i < 2 && /^[a-z]+$/.test(w));
      const key = command.join(' ');
      if (!helps.has(key)) {
        const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'bin/ablate.js'), ...command, '--help'], { cwd: ROOT });
        helps.set(key, stdout);
      }
      for (const flag of words.filter((w) => /^--[a-z]/.test(w)).map((w) => w.replace(/^(--[a-z-]+).*$/, '$1'))) {
        expect(helps.get(key), `${at}: ablate ${key} ${flag}`).toContain(flag);
      }
    }
  }, 120_000);
});
