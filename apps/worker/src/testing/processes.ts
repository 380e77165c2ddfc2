import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

/** The repository root (…/apps/worker/src/testing → four levels up). */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');
const REGISTER = path.join(REPO_ROOT, 'scripts/register.js');

/** A spawned Ablate process (the API or a worker), with its output kept for assertions and failures. */
export interface AppProcess {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves when a line matching `pattern` has been printed; rejects if the process exits first or `timeoutMs` passes. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (or `signal`) and wait for the exit; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** Spawns `node -r scripts/register.js apps/<app>/src/main.ts` with `env` on top of this process's. */
export function spawnApp(name: string, app: 'api' | 'worker', env: Record<string, string>, options: { echo?: boolean } = {}): AppProcess {
  const proc = spawn(process.execPath, ['-r', REGISTER, path.join(REPO_ROOT, `apps/${app}/src/main.ts`)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    out += chunk.toString();
    if (options.echo) process.stderr.write(`[${name}] ${chunk}`);
    for (const l of listeners) l();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      resolve({ code, signal });
      for (const l of listeners) l();
    }),
  );
  const gone = (): boolean => proc.exitCode !== null || proc.signalCode !== null;
  return {
    name,
    proc,
    pid: proc.pid!,
    output: () => out,
    exited,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(out)) done(resolve);
          else if (gone()) done(() => reject(new Error(`${name} exited before printing ${pattern}:\n${out}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms:\n${out}`))), timeoutMs);
        const done = (then: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          then();
        };
        listeners.add(check);
        check();
      }),
    stop: async (signal = 'SIGTERM', graceMs = 30_000) => {
      if (gone()) return;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A TCP port free right now on 127.0.0.1. */
export { freeTcpPort as freePort } from '@ablate/store/testing';
