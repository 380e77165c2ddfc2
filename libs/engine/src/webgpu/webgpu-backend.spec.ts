import * as tf from '@tensorflow/tfjs-core';
import { variableGradsAsync } from '../async-gradients';
import { BackendUnavailableError } from '../engine-errors';
import { backendInfo, initBackend } from '../init-backend';
import { isSoftwareAdapter } from './adapter';
import { GpuBufferLimitError, GpuDeviceError, throwIfDeviceFailed, withDeviceErrorScope } from './device-guard';
import type { GpuDevice } from './gpu-types';
import { ALLOW_SOFTWARE_GPU } from './webgpu-candidate';

/**
 * The webgpu backend on this machine's only adapter, Mesa's lavapipe (scripts/vulkan.sh installs
 * it; without it the explicit choice below fails, naming Dawn's reason: nothing is skipped).
 */
const quiet = { log: () => undefined };

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the webgpu backend choice', () => {
  it('auto never takes a software adapter, even with ABLATE_ALLOW_SOFTWARE_GPU=1', async () => {
    vi.stubEnv(ALLOW_SOFTWARE_GPU, '1');
    const lines: string[] = [];
    const info = await initBackend('auto', { log: (l) => lines.push(l) });
    expect(info.backend).toBe('wasm');
    expect(lines[0]).toMatch(/passed over .*webgpu: the WebGPU adapter is a CPU emulation \(llvmpipe/);
  });

  it('an explicit webgpu refuses a software adapter unless ABLATE_ALLOW_SOFTWARE_GPU=1, naming the variable', async () => {
    vi.stubEnv(ALLOW_SOFTWARE_GPU, '');
    const refused = initBackend('webgpu', quiet);
    await expect(refused).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(refused).rejects.toThrow(/^ABLATE_BACKEND=webgpu: webgpu: the WebGPU adapter is a CPU emulation .*set ABLATE_ALLOW_SOFTWARE_GPU=1/);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('with ABLATE_ALLOW_SOFTWARE_GPU=1 it runs on lavapipe and reports the adapter', async () => {
    vi.stubEnv(ALLOW_SOFTWARE_GPU, '1');
    const lines: string[] = [];
    const info = await initBackend('webgpu', { log: (l) => lines.push(l) });
    expect(tf.getBackend()).toBe('webgpu');
    expect(backendInfo()).toBe(info);
    expect(info).toMatchObject({ backend: 'webgpu', package: '@tensorflow/tfjs-backend-webgpu', version: '4.22.0', device: 'gpu' });
    expect(info.adapter).toMatchObject({ vendor: 'mesa', software: true, device: expect.stringMatching(/llvmpipe/) });
    expect(info.adapter!.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 2 ** 20);
    expect(info.adapter!.limits.maxBufferSize).toBeGreaterThanOrEqual(info.adapter!.limits.maxStorageBufferBindingSize);
    expect(lines[0]).toMatch(/backend webgpu .*llvmpipe.*, software/);
  });
});

describe('isSoftwareAdapter', () => {
  const info = (over: object) => ({ vendor: '', architecture: '', device: '', description: '', isFallbackAdapter: false, ...over });
  it('knows CPU emulations by the fallback flag or by name, and a real GPU as hardware', () => {
    expect(isSoftwareAdapter(info({ isFallbackAdapter: true }))).toBe(true);
    // Some Dawns report lavapipe as no fallback: its device name gives it away.
    expect(isSoftwareAdapter(info({ vendor: 'mesa', device: 'llvmpipe-llvm-15-0-6-256-bits-' }))).toBe(true);
    expect(isSoftwareAdapter(info({ vendor: 'google', description: 'SwiftShader Device (Subzero)' }))).toBe(true);
    expect(isSoftwareAdapter(info({ vendor: 'nvidia', architecture: 'ampere', device: '', description: 'NVIDIA A10G' }))).toBe(false);
  });
});

describe('on webgpu', () => {
  beforeEach(async () => {
    vi.stubEnv(ALLOW_SOFTWARE_GPU, '1');
    await initBackend('webgpu', quiet);
  });

  const device = (): GpuDevice => (tf.backend() as unknown as { device: GpuDevice }).device;

  it('refuses a tensor over the buffer limit before making it, naming its size and the limit', () => {
    const limit = backendInfo().adapter!.limits.maxStorageBufferBindingSize;
    const before = tf.memory().numTensors;
    const elements = limit / 4 + 1;
    expect(() => tf.zeros([elements])).toThrow(GpuBufferLimitError);
    expect(() => tf.zeros([elements])).toThrow(`a float32 tensor of shape [${elements}] needs ${limit + 4} bytes, over this WebGPU adapter's buffer limit of ${limit} bytes`);
    expect(tf.memory().numTensors).toBe(before);
    // One element fewer fits.
    const fits = tf.zeros([elements - 1]);
    expect(fits.size).toBe(limit / 4);
    fits.dispose();
  });

  it('turns a device validation error inside a step into a thrown GpuDeviceError naming the step', async () => {
    const step = withDeviceErrorScope('training step 7', async () => {
      device().createBuffer({ size: 2 ** 50, usage: 0x80 /* STORAGE */ });
      return 1;
    });
    await expect(step).rejects.toBeInstanceOf(GpuDeviceError);
    await expect(step).rejects.toThrow(/^WebGPU validation error during training step 7: .*(size|Size)/);
    // The scopes were popped: the next step on the same device runs clean.
    await expect(withDeviceErrorScope('training step 8', async () => (await tf.sum(tf.ones([4])).data())[0])).resolves.toBe(4);
  });

  it('says how to read a GPU tensor instead of failing on a missing OffscreenCanvas', async () => {
    const t = tf.tidy(() => tf.add(tf.ones([300, 300]), 1));
    expect(() => t.dataSync()).toThrow(/in Node the webgpu backend reads only asynchronously \(await tensor.data\(\)\)/);
    expect((await t.data())[0]).toBe(2);
    t.dispose();
  });

  it('variableGradsAsync: gradients through an awaited read, as the cpu backend computes them, leaving no tensor', async () => {
    const compute = async () => {
      const w = tf.variable(tf.tensor2d([0.5, -1, 2, 0.25], [2, 2]));
      const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
      const before = tf.memory().numTensors;
      const { value, grads } = await variableGradsAsync(async () => {
        const h = tf.tidy(() => tf.relu(tf.matMul(x, w)));
        // A host decision in the middle of the loss, as a two-stage detector picks proposals.
        const peak = h.max();
        const scale = (await peak.data())[0]! > 5 ? 0.5 : 2;
        peak.dispose();
        const loss = tf.tidy(() => tf.sum(tf.mul(tf.square(h), scale)) as tf.Scalar);
        h.dispose();
        return loss;
      }, [w]);
      const out = { loss: (await value.data())[0]!, grad: Array.from(await grads[w.name]!.data()) };
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      // The tape is gone with its saved tensors: the backward pass did not record itself on it.
      expect((tf.engine().state as unknown as { activeTape: unknown; gradientDepth: number })).toMatchObject({ activeTape: null, gradientDepth: 0 });
      tf.dispose([w, x]);
      return out;
    };
    const gpu = await compute();
    await initBackend('cpu', quiet);
    const cpu = await compute();
    await initBackend('webgpu', quiet);
    expect(gpu.loss).toBeCloseTo(cpu.loss, 4);
    gpu.grad.forEach((g, i) => expect(g).toBeCloseTo(cpu.grad[i]!, 4));
    expect(cpu.grad.some((g) => g !== 0)).toBe(true);
  });

  // Last: after it the device counts as failed for the rest of the process, as it should.
  it('an uncaptured device error (outside any step) fails the next step and every later one, naming it', async () => {
    device().createBuffer({ size: 2 ** 50, usage: 0x80 /* STORAGE */ });
    // Dawn delivers the event from its event loop: wait for it (a few ms).
    for (let waited = 0; waited < 5000; waited += 20) {
      try {
        throwIfDeviceFailed();
      } catch {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(() => throwIfDeviceFailed()).toThrow(GpuDeviceError);
    const step = withDeviceErrorScope('training step 9', async () => 1);
    await expect(step).rejects.toThrow(/^WebGPU validation error during work outside a training step: /);
  });
});
