import * as tf from '@tensorflow/tfjs-core';
import { isInstalled } from './backend-candidates';
import { BackendUnavailableError, InvalidBackendChoiceError } from './engine-errors';
import { backendInfo, initBackend, parseBackendChoice } from './init-backend';

describe('initBackend', () => {
  it('on a machine without native TensorFlow, auto takes wasm and says why it passed over tfjs-node', async () => {
    // The premise of this test: this machine reaches only the registry, so the native packages
    // (optional dependencies that download libtensorflow) are absent.
    expect(isInstalled('@tensorflow/tfjs-node')).toBe(false);
    expect(isInstalled('@tensorflow/tfjs-node-gpu')).toBe(false);
    const lines: string[] = [];
    const info = await initBackend('auto', { log: (line) => lines.push(line) });
    expect(info).toMatchObject({ backend: 'wasm', package: '@tensorflow/tfjs-backend-wasm', device: 'cpu', threads: 1 });
    expect(info.version).toMatch(/^4\.\d+\.\d+$/);
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('backend wasm');
    expect(lines[0]).toContain('@tensorflow/tfjs-node-gpu is not installed');
    expect(lines[0]).toContain('@tensorflow/tfjs-node is not installed');
    // This machine's only WebGPU adapter is Mesa's lavapipe (scripts/vulkan.sh): auto passes it over.
    expect(lines[0]).toMatch(/webgpu: the WebGPU adapter is a CPU emulation \(llvmpipe.*\): auto takes a hardware GPU only/);
  });

  it('is idempotent: a second call returns the same object and logs nothing', async () => {
    const first = await initBackend('auto', { log: () => undefined });
    const lines: string[] = [];
    const [second, third] = await Promise.all([
      initBackend(undefined, { log: (line) => lines.push(line) }),
      initBackend('wasm', { log: (line) => lines.push(line) }),
    ]);
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(backendInfo()).toBe(first);
    expect(lines).toEqual([]);
  });

  it('registers the gradients training needs', async () => {
    await initBackend('auto', { log: () => undefined });
    expect(tf.getGradient('Conv2D')).toBeDefined();
    for (const kernel of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'UnsortedSegmentSum'])
      expect(tf.getKernel(kernel, 'wasm')).toBeDefined();
  });

  it('an explicit tensorflow choice fails with what is missing and how to install it', async () => {
    const before = await initBackend('auto', { log: () => undefined });
    const failure = initBackend('tensorflow', { log: () => undefined });
    await expect(failure).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(failure).rejects.toThrow(/^ABLATE_BACKEND=tensorflow: .*@tensorflow\/tfjs-node is not installed/);
    await expect(failure).rejects.toThrow(/npm install @tensorflow\/tfjs-node.*libtensorflow 2\.9\.1.*CUDA 11\.2.*cuDNN 8\.1/);
    // The failed attempt leaves the working backend in place.
    expect(tf.getBackend()).toBe('wasm');
    expect(backendInfo()).toBe(before);
  });

  it('an explicit cpu choice switches backends; auto afterwards keeps it', async () => {
    await initBackend('auto', { log: () => undefined });
    const cpu = await initBackend('cpu', { log: () => undefined });
    expect(cpu).toMatchObject({ backend: 'cpu', device: 'cpu', threads: 1 });
    expect(tf.getBackend()).toBe('cpu');
    expect(await initBackend('auto')).toBe(cpu);
    const wasm = await initBackend('wasm', { log: () => undefined });
    expect(wasm.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('reads ABLATE_BACKEND and rejects a value that names no backend, naming it', async () => {
    expect(parseBackendChoice(' WASM ')).toBe('wasm');
    expect(() => parseBackendChoice('gpu')).toThrow(InvalidBackendChoiceError);
    expect(() => parseBackendChoice('gpu')).toThrow('ABLATE_BACKEND=gpu: not a backend; use one of auto, tensorflow, webgpu, wasm, cpu');
    vi.stubEnv('ABLATE_BACKEND', 'tpu');
    try {
      await expect(initBackend()).rejects.toThrow('ABLATE_BACKEND=tpu');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
