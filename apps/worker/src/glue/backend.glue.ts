import { initBackend } from '@ablate/engine';
import type { BackendPort } from './ports';

/**
 * The compute backend of a sandboxed child, from @ablate/detection's engine (`ABLATE_BACKEND`,
 * default 'auto'). Picked once per child; later calls return the same answer.
 */
export function createBackendPort(): BackendPort {
  return {
    async init() {
      const info = await initBackend(process.env.ABLATE_BACKEND ?? 'auto', { log: () => undefined });
      const simd = info.simd === undefined ? '' : info.simd ? ', SIMD' : ', no SIMD';
      // On webgpu the adapter says which GPU (or which CPU emulation) the run trained on.
      const adapter = info.adapter ? `, ${info.adapter.description || info.adapter.device}${info.adapter.software ? ', software' : ''}` : '';
      return { backend: info.backend, device: `${info.device} (${info.package} ${info.version}${adapter}, ${info.threads} thread${info.threads === 1 ? '' : 's'}${simd})` };
    },
  };
}
