import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const REGISTER = path.join(REPO_ROOT, 'scripts/register.js');

/** A spawned Ablate process (API or worker) whose output is prefixed and forwarded. */
export interface ChildApp {
  name: string;
  proc: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** Its last lines of output (kept even when not shown), for the error message when it fails. */
  tail(): string;
}

const TAIL_LINES = 30;

/**
 * Runs `apps/<app>/src/main.ts` in its own Node process through SWC. Its log lines go to
 * `log` (prefixed with `name`), so a quiet demo can keep them out of the way.
 */
export function spawnApp(name: string, app: 'api' | 'worker', env: NodeJS.ProcessEnv, log: (line: string) => void): ChildApp {
  const proc = spawn(process.execPath, ['-r', REGISTER, path.join(REPO_ROOT, `apps/${app}/src/main.ts`)], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const last: string[] = [];
  const forward = (chunk: Buffer): void => {
    for (const line of chunk.toString().split('\n')) {
      if (line.trim() === '') continue;
      log(`[${name}] ${line}`);
      last.push(line);
      if (last.length > TAIL_LINES) last.shift();
    }
  };
  proc.stdout!.on('data', forward);
  proc.stderr!.on('data', forward);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const stop = async (graceMs = 60_000): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { name, proc, exited, stop, tail: () => last.join('\n') };
}

/** Polls `url` until it answers 2xx, the process exits, or `timeoutMs` passes. */
export async function waitForHttp(url: string, app: ChildApp, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void app.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${app.name} exited before it answered ${url}; its last output:\n${app.tail()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${app.name} did not answer ${url} within ${timeoutMs / 1000} s`);
}

/** `port` if nothing listens on it, else a free port the system picks (another API may hold 3000). */
export function portOrFree(port: number): Promise<number> {
  const tryListen = (p: number) =>
    new Promise<number | null>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(null));
      server.listen(p, '0.0.0.0', () => {
        const { port: got } = server.address() as { port: number };
        server.close(() => resolve(got));
      });
    });
  return tryListen(port).then((p) => p ?? tryListen(0).then((q) => q ?? port));
}
