import { WorkersError } from '../errors.js';

/**
 * Optimizer settings.
 * - `sgd`: SGD with (heavy-ball) momentum, v ← μ·v + g, θ ← θ − lr·v (PyTorch's form).
 * - `adam`: D. P. Kingma and J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015,
 *   Algorithm 1, with its suggested defaults β1 = 0.9, β2 = 0.999, ε = 1e-8.
 * `weightDecay` adds λ·θ to the gradient of weight matrices and kernels (tensors of rank ≥ 2; biases
 * and BatchNormalization parameters are not decayed) — L2 regularisation for SGD; for Adam it is
 * applied decoupled, θ ← θ − lr·λ·θ (I. Loshchilov and F. Hutter, "Decoupled Weight Decay
 * Regularization", ICLR 2019), because L2 through Adam's normalisation barely regularises.
 */
export type OptimizerSpec =
  | { readonly kind: 'sgd'; readonly learningRate: number; readonly momentum?: number; readonly weightDecay?: number }
  | {
      readonly kind: 'adam';
      readonly learningRate: number;
      readonly beta1?: number;
      readonly beta2?: number;
      readonly epsilon?: number;
      readonly weightDecay?: number;
    };

/** A parameter tensor the optimizer updates in place. */
export interface ParamSlot {
  readonly name: string;
  readonly dims: readonly number[];
  readonly value: Float32Array;
}

/** Updates parameters in place from their gradients; `lr` is this step's learning rate. */
export interface Optimizer {
  step(params: readonly ParamSlot[], grads: readonly Float32Array[], lr: number): void;
}

export function createOptimizer(spec: OptimizerSpec): Optimizer {
  if (!(spec.learningRate > 0)) throw new WorkersError('BAD_ARGUMENT', `learningRate must be > 0, got ${spec.learningRate}`);
  const decay = spec.weightDecay ?? 0;
  if (!(decay >= 0)) throw new WorkersError('BAD_ARGUMENT', `weightDecay must be ≥ 0, got ${decay}`);
  return spec.kind === 'sgd' ? new Sgd(spec.momentum ?? 0.9, decay) : new Adam(spec.beta1 ?? 0.9, spec.beta2 ?? 0.999, spec.epsilon ?? 1e-8, decay);
}

const decays = (p: ParamSlot) => p.dims.length >= 2;

class Sgd implements Optimizer {
  private readonly velocity = new Map<string, Float32Array>();
  constructor(private readonly momentum: number, private readonly decay: number) {
    if (!(momentum >= 0 && momentum < 1)) throw new WorkersError('BAD_ARGUMENT', `momentum must be in [0, 1), got ${momentum}`);
  }
  step(params: readonly ParamSlot[], grads: readonly Float32Array[], lr: number): void {
    params.forEach((p, k) => {
      const g = grads[k]!;
      let v = this.velocity.get(p.name);
      if (!v) this.velocity.set(p.name, (v = new Float32Array(g.length)));
      const wd = decays(p) ? this.decay : 0;
      const w = p.value;
      for (let i = 0; i < w.length; i++) {
        const vi = this.momentum * v[i]! + g[i]! + wd * w[i]!;
        v[i] = vi;
        w[i] = w[i]! - lr * vi;
      }
    });
  }
}

class Adam implements Optimizer {
  private readonly m = new Map<string, Float32Array>();
  private readonly v = new Map<string, Float32Array>();
  private t = 0;
  constructor(private readonly beta1: number, private readonly beta2: number, private readonly epsilon: number, private readonly decay: number) {}
  step(params: readonly ParamSlot[], grads: readonly Float32Array[], lr: number): void {
    this.t++;
    // Algorithm 1's bias corrections, folded into the step size (Kingma & Ba, section 2, last paragraph).
    const alpha = (lr * Math.sqrt(1 - this.beta2 ** this.t)) / (1 - this.beta1 ** this.t);
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    params.forEach((p, k) => {
      const g = grads[k]!;
      let m = this.m.get(p.name);
      let v = this.v.get(p.name);
      if (!m || !v) {
        this.m.set(p.name, (m = new Float32Array(g.length)));
        this.v.set(p.name, (v = new Float32Array(g.length)));
      }
      const shrink = 1 - lr * (decays(p) ? this.decay : 0);
      const w = p.value;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        const mi = b1 * m[i]! + (1 - b1) * gi;
        const vi = b2 * v[i]! + (1 - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i]! * shrink - (alpha * mi) / (Math.sqrt(vi) + eps);
      }
    });
  }
}
