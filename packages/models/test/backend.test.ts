import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isNewscellError } from '@newscell/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { formatBackend, initBackend, tfjsNodeIncompatibility } from '../src/backend.js';
import { tf } from '../src/tfjs.js';
import { tempDir } from './helpers.js';

const require = createRequire(import.meta.url);
const tfjsNodeInstalled = (() => {
  try {
    require.resolve('@tensorflow/tfjs-node/package.json');
    return true;
  } catch {
    return false;
  }
})();

async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isNewscellError(error), String(error)).toBe(true);
  return error as { code: string; message: string };
}

describe('initBackend', () => {
  const saved = process.env.TFJS_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.TFJS_BACKEND;
    else process.env.TFJS_BACKEND = saved;
  });

  it('picks tfjs-node when installed, else wasm with the SIMD build, and logs it once', async () => {
    delete process.env.TFJS_BACKEND;
    const lines: string[] = [];
    const info = await initBackend({ log: (m) => lines.push(m) });
    await initBackend({ log: (m) => lines.push(m) });
    expect(info.name).toBe(tfjsNodeInstalled ? 'node' : 'wasm');
    expect(tf.getBackend()).toBe(info.tfjsName);
    expect(info.version).toBe('4.22.0');
    expect(info.coreVersion).toBe(tf.version_core);
    if (info.name === 'wasm') expect(info.wasm).toEqual({ binary: 'simd', threads: 1 });
    expect(lines).toEqual([`[@newscell/models] TensorFlow.js backend: ${formatBackend(info)}`]);
  });

  it('honours TFJS_BACKEND and an explicit choice', async () => {
    process.env.TFJS_BACKEND = 'cpu';
    expect((await initBackend({ log: () => {} })).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await initBackend({ backend: 'wasm', log: () => {} })).name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('uses a forced tfjs-node when installed, else says clearly why not', async () => {
    process.env.TFJS_BACKEND = 'node';
    if (tfjsNodeInstalled) {
      expect((await initBackend({ log: () => {} })).name).toBe('node');
      return;
    }
    const error = await errorOf(initBackend({ log: () => {} }));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toBe(
      "TensorFlow.js backend 'node' was requested by TFJS_BACKEND but is unavailable: node: @tensorflow/tfjs-node is not installed",
    );
  });

  it('rejects an unknown TFJS_BACKEND value', async () => {
    process.env.TFJS_BACKEND = 'webgpu';
    const error = await errorOf(initBackend({ log: () => {} }));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toBe("TFJS_BACKEND must be one of node, wasm, cpu, got 'webgpu'");
  });
});

describe('tfjsNodeIncompatibility', () => {
  async function fakeInstall(coreVersion: string | null) {
    const { dir, cleanup } = await tempDir();
    const pkg = async (name: string, version: string) => {
      const at = path.join(dir, 'node_modules', name);
      await mkdir(at, { recursive: true });
      await writeFile(path.join(at, 'package.json'), JSON.stringify({ name, version }));
    };
    await pkg('@tensorflow/tfjs-node', '4.22.0');
    await pkg('@tensorflow/tfjs', '4.22.0');
    if (coreVersion !== null) await pkg('@tensorflow/tfjs-core', coreVersion);
    return { nodeDir: path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node'), cleanup };
  }

  it('accepts a tfjs-node whose tfjs-core is ours', async () => {
    const { nodeDir, cleanup } = await fakeInstall('4.22.0');
    expect(tfjsNodeIncompatibility(nodeDir, '4.22.0')).toBeUndefined();
    await cleanup();
  });

  it('refuses one that would load another tfjs-core version', async () => {
    const { nodeDir, cleanup } = await fakeInstall('4.10.0');
    expect(tfjsNodeIncompatibility(nodeDir, '4.22.0')).toBe(
      '@tensorflow/tfjs-node uses @tensorflow/tfjs-core 4.10.0 but @newscell/models uses 4.22.0; install matching versions',
    );
    await cleanup();
  });
});
