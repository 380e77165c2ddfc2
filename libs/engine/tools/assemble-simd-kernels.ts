/**
 * `npm run build:kernels`: writes libs/engine/src/wasm-kernels/simd/simd-kernels.wasm from the
 * kernels' text (kernel-text.ts). Run it after changing the text; simd-kernels-binary.spec.ts fails
 * `npm test` while the committed binary and the text disagree.
 */
import { writeFileSync } from 'node:fs';
import { assembleSimdKernels } from '../src/wasm-kernels/simd/assemble';
import { SIMD_KERNELS_BINARY } from '../src/wasm-kernels/simd/simd-kernels';

assembleSimdKernels().then(
  (bytes) => {
    writeFileSync(SIMD_KERNELS_BINARY, bytes);
    console.log(`wrote ${SIMD_KERNELS_BINARY} (${bytes.length} bytes)`);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
