/**
 * Public error codes of `@frontier/workers`. Callers branch on `code`; messages are for people and
 * name the offending parameter and value.
 */
export type WorkersErrorCode =
  | 'BAD_MODEL' // the bytes are not a valid ONNX model, or the graph is inconsistent
  | 'UNSUPPORTED_OP' // the graph uses an operator outside Frontier's supported set
  | 'BAD_DATASET' // a dataset file is malformed or does not match the model
  | 'BAD_ARGUMENT' // a caller passed an invalid option
  | 'BAD_RECIPE' // a compression recipe is invalid
  | 'BAD_DEVICE' // a device description is invalid or unknown
  | 'EVALUATION_FAILED' // onnxruntime-node refused to load or run a model
  | 'CANCELLED'; // a pooled task stopped because it was asked to (cancelled or out of time)

/** The one root error of `@frontier/workers`. */
export class WorkersError extends Error {
  readonly code: WorkersErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: WorkersErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'WorkersError';
    this.code = code;
    this.details = details;
  }
}

/** Closes an exhaustive `switch`: the compiler proves this is never reached. */
export class UnreachableCaseError extends Error {
  constructor(value: never) {
    super(`unreachable case: ${JSON.stringify(value)}`);
  }
}
