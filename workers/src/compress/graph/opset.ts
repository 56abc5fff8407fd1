import { WorkersError } from '../../errors.js';
import { defaultOpset, type Model } from '../../onnx/model.js';

/**
 * The model importing at least `opset` of the default domain and at least IR `irVersion`.
 * Raising is safe from opset 13 on for every operator Frontier supports (their later versions only
 * widen types or add optional inputs and attributes); below 13 Softmax, Clip and the per-axis
 * QuantizeLinear/DequantizeLinear changed meaning, so such models are refused with the reason.
 */
export function requireOpset(model: Model, options: { opset: number; irVersion: number; purpose: string }): Model {
  const current = defaultOpset(model);
  if (current >= options.opset && model.irVersion >= options.irVersion) return model;
  if (current < 13) {
    throw new WorkersError(
      'BAD_MODEL',
      `${options.purpose} needs opset ≥ ${options.opset}; the model has opset ${current}, below 13, from which Frontier cannot raise it safely — re-export it with opset 13 or later`,
      { opset: current },
    );
  }
  const opsetImports = model.opsetImports.map((o) =>
    o.domain === '' || o.domain === 'ai.onnx' ? { ...o, version: Math.max(o.version, options.opset) } : o,
  );
  return { ...model, opsetImports, irVersion: Math.max(model.irVersion, options.irVersion) };
}
