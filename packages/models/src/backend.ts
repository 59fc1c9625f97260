import { createRequire } from 'node:module';
import path from 'node:path';
import { NewscellError } from '@newscell/contracts';
import { registerCpuTrainingKernels } from './cpu-kernels/unsorted-segment-sum.js';
import { tf } from './tfjs.js';
import { registerWasmKernels } from './wasm-kernels/register.js';

/** The compute backends newscell knows, fastest first. */
export const BACKEND_NAMES = ['node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What runs the math; recorded in every manifest and benchmark. */
export interface BackendInfo {
  /** newscell's name for the backend. */
  name: BackendName;
  /** TensorFlow.js's name for it (`tensorflow` for tfjs-node). */
  tfjsName: string;
  /** Version of the package providing the backend. */
  version: string;
  /** Version of @tensorflow/tfjs-core in use. */
  coreVersion: string;
  /** For wasm: which binary was loaded (`simd` or `plain`) and with how many threads. */
  wasm?: { binary: 'simd' | 'plain'; threads: number };
}

export interface InitBackendOptions {
  /**
   * Force one backend. Throws `BACKEND_UNAVAILABLE` when it cannot be used.
   * @defaultValue the `TFJS_BACKEND` environment variable, else the fastest available
   */
  backend?: BackendName;
  /**
   * Where the one line naming the chosen backend goes.
   * @defaultValue `console.info`
   */
  log?: (message: string) => void;
  /**
   * On cpu, replace tfjs's `UnsortedSegmentSum` (the embedding gradient), which is
   * O(vocabulary × batch), with a one-pass kernel. Tests that use tfjs's cpu kernels as the
   * reference turn this off.
   * @defaultValue true
   */
  fastCpuKernels?: boolean;
}

const require = createRequire(import.meta.url);
const TFJS_NODE = '@tensorflow/tfjs-node';
const BACKEND_TFJS_NAME: Record<BackendName, string> = {
  node: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

let current: BackendInfo | undefined;
let wasmModule: typeof import('@tensorflow/tfjs-backend-wasm') | undefined;
let wasmPathsSet = false;
let nodeImportFailure: string | undefined;

/**
 * Selects the TensorFlow.js backend: the one forced by `backend` / `TFJS_BACKEND`, else tfjs-node
 * when it is installed, else wasm (SIMD), else cpu. Logs the choice once per change and returns it.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const forced = options.backend ?? parseBackendEnv(process.env.TFJS_BACKEND);
  const log = options.log ?? ((message: string) => console.info(message));
  const candidates: readonly BackendName[] = forced === undefined ? BACKEND_NAMES : [forced];
  const failures: string[] = [];
  for (const name of candidates) {
    if (current?.name === name && tf.getBackend() === BACKEND_TFJS_NAME[name]) return current;
    const failure = await activate(name, options.fastCpuKernels ?? true);
    if (failure === undefined) {
      current = describeBackend(name);
      log(`[@newscell/models] TensorFlow.js backend: ${formatBackend(current)}`);
      return current;
    }
    failures.push(`${name}: ${failure}`);
  }
  throw new NewscellError(
    'BACKEND_UNAVAILABLE',
    forced === undefined
      ? `no TensorFlow.js backend could be initialised (${failures.join('; ')})`
      : `TensorFlow.js backend '${forced}' was requested${options.backend === undefined ? ' by TFJS_BACKEND' : ''} but is unavailable: ${failures.join('; ')}`,
    { details: { requested: forced, failures } },
  );
}

/** The backend chosen by the last `initBackend`, if any. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}

/** `wasm 4.22.0 (simd, 1 thread)`. */
export function formatBackend(info: BackendInfo): string {
  const extra =
    info.wasm === undefined
      ? ''
      : ` (${info.wasm.binary}, ${info.wasm.threads} thread${info.wasm.threads === 1 ? '' : 's'})`;
  return `${info.name} ${info.version}${extra}`;
}

function parseBackendEnv(value: string | undefined): BackendName | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const name = value.trim().toLowerCase();
  if ((BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName;
  throw new NewscellError(
    'INVALID_CONFIG',
    `TFJS_BACKEND must be one of ${BACKEND_NAMES.join(', ')}, got '${value}'`,
    { details: { field: 'TFJS_BACKEND', value } },
  );
}

/** Makes `name` the active backend; returns why it could not, or undefined on success. */
async function activate(name: BackendName, fastCpuKernels: boolean): Promise<string | undefined> {
  try {
    if (name === 'node') {
      const failure = await loadTfjsNode();
      if (failure !== undefined) return failure;
    }
    if (name === 'wasm') await loadWasm();
    if (name === 'cpu' && fastCpuKernels) registerCpuTrainingKernels();
    // setBackend resolves false (after logging) when the backend's initialiser fails.
    const ok = await tf.setBackend(BACKEND_TFJS_NAME[name]);
    if (!ok) return `tf.setBackend('${BACKEND_TFJS_NAME[name]}') failed`;
    await tf.ready();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function loadTfjsNode(): Promise<string | undefined> {
  if (nodeImportFailure !== undefined) return nodeImportFailure;
  if (tf.findBackend('tensorflow') !== null) return undefined;
  let nodeDir: string;
  try {
    nodeDir = path.dirname(require.resolve(`${TFJS_NODE}/package.json`));
  } catch {
    nodeImportFailure = `${TFJS_NODE} is not installed`;
    return nodeImportFailure;
  }
  // tfjs-node registers its kernels through whichever tfjs-core its umbrella package resolves.
  // The engine and kernel registry are process globals, so a second tfjs-core of another version
  // would register against state this copy does not understand: refuse rather than corrupt it.
  nodeImportFailure = tfjsNodeIncompatibility(nodeDir, tf.version_core);
  if (nodeImportFailure !== undefined) return nodeImportFailure;
  try {
    const specifier = TFJS_NODE;
    await import(specifier);
  } catch (error) {
    nodeImportFailure = `${TFJS_NODE} failed to load: ${error instanceof Error ? error.message : String(error)}`;
    return nodeImportFailure;
  }
  return tf.findBackend('tensorflow') === null
    ? `${TFJS_NODE} loaded but registered no 'tensorflow' backend`
    : undefined;
}

/**
 * Why the tfjs-node installed at `nodeDir` must not be loaded next to tfjs-core `ourCore`, or
 * undefined when it may. Exported for tests.
 */
export function tfjsNodeIncompatibility(nodeDir: string, ourCore: string): string | undefined {
  let theirCore: string | undefined;
  try {
    const fromNode = createRequire(path.join(nodeDir, 'package.json'));
    const fromUmbrella = createRequire(fromNode.resolve('@tensorflow/tfjs/package.json'));
    theirCore = (fromUmbrella('@tensorflow/tfjs-core/package.json') as { version: string }).version;
  } catch {
    theirCore = undefined;
  }
  return theirCore === ourCore
    ? undefined
    : `${TFJS_NODE} uses @tensorflow/tfjs-core ${theirCore ?? '(unresolvable)'} but @newscell/models uses ${ourCore}; install matching versions`;
}

async function loadWasm(): Promise<void> {
  if (wasmModule === undefined) wasmModule = await import('@tensorflow/tfjs-backend-wasm');
  if (!wasmPathsSet) {
    // In Node the backend fetches nothing: it reads `<prefix><binary>.wasm` from disk, so the
    // prefix is the installed package's dist directory (with its trailing separator).
    const dist = path.join(
      path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
      'dist',
    );
    wasmModule.setWasmPaths(`${dist}${path.sep}`);
    // The threaded build cannot start in Node (its pthread workers are Blob URLs, which
    // worker_threads rejects; tensorflow/tfjs#3830), and tfjs already reports no thread support
    // under Node; `npm run bench` records the attempt. So SIMD single-threaded is the build used.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasmPathsSet = true;
  }
  registerWasmKernels();
}

function describeBackend(name: BackendName): BackendInfo {
  const coreVersion = tf.version_core;
  if (name === 'node') {
    const version = (require(`${TFJS_NODE}/package.json`) as { version: string }).version;
    return { name, tfjsName: 'tensorflow', version, coreVersion };
  }
  if (name === 'wasm') {
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    return {
      name,
      tfjsName: 'wasm',
      version: wasmModule?.version_wasm ?? coreVersion,
      coreVersion,
      wasm: { binary: simd ? 'simd' : 'plain', threads: wasmModule?.getThreadsCount() ?? 1 },
    };
  }
  return { name, tfjsName: 'cpu', version: coreVersion, coreVersion };
}
