import { readFileSync } from 'node:fs';
import * as path from 'node:path';

function versionOf(packageJson: string): string {
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: string }).version ?? 'unknown';
}

/**
 * `ablate --version`: Ablate's version (the root package.json) and the TensorFlow.js installed
 * (tfjs-core, which every backend must match), the two a bug report needs. Read from the files
 * rather than by loading TensorFlow.js, so it answers at once.
 */
export function versionText(): string {
  const ablate = versionOf(path.resolve(__dirname, '../../../package.json'));
  let tfjs: string;
  try {
    tfjs = versionOf(require.resolve('@tensorflow/tfjs-core/package.json'));
  } catch {
    tfjs = 'not installed';
  }
  return `ablate ${ablate}\nTensorFlow.js ${tfjs}`;
}
