import { NewscellError } from '@newscell/contracts';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { LayerVariable, Shape } from '@tensorflow/tfjs-layers';
import type { GateActivation } from '../activations.js';
import { tf, tfl } from '../tfjs.js';
import { type FusedCell, fusedRecurrentSequence } from './fused-recurrent-op.js';
import { projectionFor } from './input-projection.js';

export interface FusedRecurrentArgs {
  cell: FusedCell;
  units: number;
  /** @defaultValue false */
  returnSequences?: boolean;
  /** @defaultValue false */
  goBackwards?: boolean;
  /** Dropped fraction of the inputs, one mask per text for all steps (as tfjs-layers). @defaultValue 0 */
  dropout?: number;
  /** LSTM/GRU gates. @defaultValue `'hardSigmoid'` (tfjs-layers' default) */
  recurrentActivation?: GateActivation;
  name?: string;
  trainable?: boolean;
}

type Kwargs = { mask?: Tensor | Tensor[] | null; training?: boolean } & Record<string, unknown>;

const GATES: Record<FusedCell, number> = { rnn: 1, lstm: 4, gru: 3 };

/**
 * Drop-in for tfjs-layers' `SimpleRNN` / `LSTM` / `GRU` (tanh activation, bias, no recurrent
 * dropout, no state input or output) that runs the whole sequence as one fused op. Same weights
 * in the same order, names and shapes (`kernel`, `recurrent_kernel`, `bias`) and the same
 * initialisers drawn in the same order, so weights move between the two implementations
 * position by position. Works inside tfjs-layers' `Bidirectional`, which clones it with
 * `goBackwards` flipped.
 */
export class FusedRecurrent extends tfl.layers.Layer {
  static className = 'NewscellFusedRecurrent';
  readonly cell: FusedCell;
  readonly units: number;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
  readonly dropout: number;
  readonly recurrentActivation: GateActivation;
  // Read by Bidirectional, as on tfjs-layers' RNN (`stateful` is the base Layer's, false).
  readonly returnState = false;
  private kernel: LayerVariable | null = null;
  private recurrentKernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;

  constructor(args: FusedRecurrentArgs) {
    super({
      ...(args.name === undefined ? {} : { name: args.name }),
      ...(args.trainable === undefined ? {} : { trainable: args.trainable }),
    });
    if (!(args.cell in GATES)) {
      throw new NewscellError(
        'INVALID_CONFIG',
        `fused recurrent layer: unknown cell '${args.cell}'`,
        {
          details: { field: 'cell', value: args.cell },
        },
      );
    }
    this.cell = args.cell;
    this.units = args.units;
    this.returnSequences = args.returnSequences ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.dropout = args.dropout ?? 0;
    this.recurrentActivation = args.recurrentActivation ?? 'hardSigmoid';
    this.supportsMasking = true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const features = shape[shape.length - 1] as number;
    const width = GATES[this.cell] * this.units;
    // Same initialisers, drawn in the same order, as tfjs-layers' cells.
    this.kernel = this.addWeight(
      'kernel',
      [features, width],
      'float32',
      tfl.initializers.glorotNormal({}),
    );
    this.recurrentKernel = this.addWeight(
      'recurrent_kernel',
      [this.units, width],
      'float32',
      tfl.initializers.orthogonal({ gain: 1 }),
    );
    this.bias = this.addWeight('bias', [width], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return this.returnSequences
      ? [shape[0] ?? null, shape[1] ?? null, this.units]
      : [shape[0] ?? null, this.units];
  }

  override computeMask(_inputs: Tensor | Tensor[], mask?: Tensor | Tensor[]): Tensor {
    const m = Array.isArray(mask) ? mask[0] : mask;
    return (this.returnSequences ? (m ?? null) : null) as Tensor;
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    return tf.tidy(() => {
      let x = (Array.isArray(inputs) ? inputs[0] : inputs) as Tensor3D;
      if (kwargs.initialState != null) {
        throw new NewscellError(
          'INVALID_ARGUMENT',
          `${this.name}: the fused recurrent layer takes no initial state (use recurrentImplementation 'layers')`,
          { details: { layer: this.name } },
        );
      }
      const mask = Array.isArray(kwargs.mask) ? kwargs.mask[0] : kwargs.mask;
      if (kwargs.training === true && this.dropout > 0) {
        const [batch, , features] = x.shape;
        x = tf.mul(x, tf.dropout(tf.ones([batch, 1, features]), this.dropout)) as Tensor3D;
      }
      const read = (v: LayerVariable | null) => {
        if (v === null) throw new NewscellError('INTERNAL', `${this.name} was called before build`);
        return v.read();
      };
      const kernel = read(this.kernel) as Tensor2D;
      const bias = read(this.bias) as Tensor1D;
      return fusedRecurrentSequence(x, kernel, read(this.recurrentKernel) as Tensor2D, bias, {
        cell: this.cell,
        mask: mask ?? null,
        goBackwards: this.goBackwards,
        returnSequences: this.returnSequences,
        recurrentActivation: this.recurrentActivation,
        // Inference through predictProbabilities: the vocabulary table, when this layer has one.
        projection:
          kwargs.training === true
            ? null
            : projectionFor(this, x.shape[0], x.shape[1], kernel, bias),
      });
    });
  }

  override getConfig(): ReturnType<InstanceType<typeof tfl.layers.Layer>['getConfig']> {
    return {
      ...super.getConfig(),
      cell: this.cell,
      units: this.units,
      returnSequences: this.returnSequences,
      goBackwards: this.goBackwards,
      dropout: this.dropout,
      recurrentActivation: this.recurrentActivation,
    };
  }
}

// Registration is what lets tf.loadLayersModel (and Bidirectional's cloning) rebuild the layer.
tf.serialization.registerClass(
  FusedRecurrent as unknown as Parameters<typeof tf.serialization.registerClass>[0],
);
