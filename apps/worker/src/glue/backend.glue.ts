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
      return { backend: info.backend, device: `${info.device} (${info.package} ${info.version}, ${info.threads} thread${info.threads === 1 ? '' : 's'}${simd})` };
    },
  };
}
