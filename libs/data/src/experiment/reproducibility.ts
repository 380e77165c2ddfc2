import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { version_core } from '@tensorflow/tfjs-core';
import { datasetFingerprint } from '../uri/dataset-fingerprint';

const run = promisify(execFile);

/** How long git may take before the record goes without it (a hung NFS mount must not hold a run). */
const GIT_TIMEOUT_MS = 5000;

/** A dataset a run read and the sha256 that pins its content; null when it could not be read. */
export interface DatasetFingerprintRecord {
  uri: string;
  sha256: string | null;
}

/** What a run attempt ran with: code, libraries, runtime and data. */
export interface ReproducibilityRecord {
  git: { commit: string; dirty: boolean } | null;
  ablateVersion: string;
  tfjsVersion: string;
  nodeVersion: string;
  datasets: { train: DatasetFingerprintRecord; val: DatasetFingerprintRecord };
  /** ISO 8601. */
  recordedAt: string;
}

/**
 * The commit of the checkout `cwd` is in and whether tracked files have uncommitted changes (as
 * `git describe --dirty` counts them: a stray untracked file does not change what ran); null when
 * it is not a checkout, git is missing or slow — a run never fails for lack of git.
 */
export async function gitState(cwd: string): Promise<ReproducibilityRecord['git']> {
  try {
    const options = { cwd, timeout: GIT_TIMEOUT_MS, encoding: 'utf8' as const };
    const { stdout: head } = await run('git', ['rev-parse', 'HEAD'], options);
    const { stdout: status } = await run('git', ['status', '--porcelain', '--untracked-files=no'], options);
    return { commit: head.trim(), dirty: status.trim() !== '' };
  } catch {
    return null;
  }
}

let ablateVersion: string | undefined;

/** The version of the root package.json (the package named `ablate`) above this file. */
export function ablatePackageVersion(): string {
  if (ablateVersion !== undefined) return ablateVersion;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ablate') return (ablateVersion = pkg.version ?? 'unknown');
    }
    if (path.dirname(dir) === dir) return (ablateVersion = 'unknown');
  }
}

async function fingerprintOrNull(uri: string, dataRoot: string | undefined): Promise<DatasetFingerprintRecord> {
  // An unreadable dataset fails the run itself with a clear message; the record just says unknown.
  const sha256 = await datasetFingerprint(uri, { dataRoot }).catch(() => null);
  return { uri, sha256 };
}

/**
 * The reproducibility record of a run about to train on `dataset`: written by the worker when an
 * attempt starts, so two runs can be told to have seen the same code, libraries and data.
 */
export async function reproducibilityRecord(
  dataset: { train: string; val: string },
  options: { dataRoot?: string; cwd?: string } = {},
): Promise<ReproducibilityRecord> {
  const [git, train, val] = await Promise.all([
    gitState(options.cwd ?? process.cwd()),
    fingerprintOrNull(dataset.train, options.dataRoot),
    fingerprintOrNull(dataset.val, options.dataRoot),
  ]);
  return {
    git,
    ablateVersion: ablatePackageVersion(),
    tfjsVersion: version_core,
    nodeVersion: process.versions.node,
    datasets: { train, val },
    recordedAt: new Date().toISOString(),
  };
}
