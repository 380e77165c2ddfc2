import { readFileSync } from 'node:fs';
import { assembleSimdKernels } from './assemble';
import { SIMD_KERNELS_BINARY } from './simd-kernels';

describe('the committed SIMD kernels binary', () => {
  it('is what the kernels text assembles to (after editing kernel-text.ts, run npm run build:kernels)', async () => {
    const assembled = Buffer.from(await assembleSimdKernels());
    const committed = readFileSync(SIMD_KERNELS_BINARY);
    expect(committed.equals(assembled), `${SIMD_KERNELS_BINARY} is stale: run npm run build:kernels`).toBe(true);
  });
});
