import { initBackend } from '@ablate/engine';

/**
 * Unit tests of the trainer run on the cpu backend: deterministic and quick for tiny models.
 * `initBackend` also registers the gradients of every op.
 */
export async function useCpuBackend(): Promise<void> {
  await initBackend('cpu', { log: () => undefined });
}
