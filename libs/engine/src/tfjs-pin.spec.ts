import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TfjsVersionMismatchError } from './engine-errors';
import { PINNED_TFJS, assertPinnedVersion } from './tfjs-pin';

const requireHere = createRequire(__filename);
const rootPackage = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
};

describe('the TensorFlow.js pin', () => {
  it('is exact, the same in the root package.json, and what is installed', () => {
    expect(Object.keys(PINNED_TFJS).sort()).toEqual([
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-core',
      // Dawn's bindings: the webgpu backend's device; pinned because its binary ships inside the package.
      'webgpu',
    ]);
    for (const [name, version] of Object.entries(PINNED_TFJS)) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
      expect(rootPackage.dependencies[name], `root package.json ${name}`).toBe(version);
      expect((requireHere(`${name}/package.json`) as { version: string }).version, `installed ${name}`).toBe(version);
    }
    // The native backends must match tfjs-core too (they register kernels in its registry).
    for (const name of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
      expect(rootPackage.optionalDependencies[name]).toBe(PINNED_TFJS['@tensorflow/tfjs-core']);
    }
  });

  it('refuses another installed version with both versions and the fix in the message', () => {
    expect(() => assertPinnedVersion('@tensorflow/tfjs-backend-wasm', PINNED_TFJS['@tensorflow/tfjs-backend-wasm']!)).not.toThrow();
    const mismatch = (): void => assertPinnedVersion('@tensorflow/tfjs-backend-wasm', '4.21.0');
    expect(mismatch).toThrow(TfjsVersionMismatchError);
    expect(mismatch).toThrow(/@tensorflow\/tfjs-backend-wasm 4\.21\.0 is installed, but @ablate\/engine was built and tested for 4\.22\.0 .*npm ci/);
    // Packages the engine does not pin (tfjs-node) are not its business.
    expect(() => assertPinnedVersion('@tensorflow/tfjs-node', '4.10.0')).not.toThrow();
  });
});
