/**
 * The one import site of TensorFlow.js in newscell. Its npm packages ship CommonJS bundles for
 * Node; importing them here once keeps the interop (and the side effects below) in one place.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { registerChainedOps } from './chained-ops.js';

registerChainedOps(tf);

export { tf, tfl };
