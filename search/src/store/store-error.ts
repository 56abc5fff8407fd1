/**
 * Public error codes of the store. Callers branch on `code`; messages are for people and name the
 * entity, the field and the offending value.
 */
export type StoreErrorCode =
  | 'NOT_FOUND' // no entity with that id (or artifact with that sha256)
  | 'CONFLICT' // a compare-and-set failed: the status or version is not the one expected
  | 'BAD_ARGUMENT' // an input is invalid (also: a transition the status machine forbids)
  | 'UNAVAILABLE' // the database cannot be reached or opened
  | 'CORRUPT' // stored data does not match its hash or schema
  | 'CLOSED'; // the store was closed

/** The one error type every store adapter throws for the cases its contract names. */
export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: StoreErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
    this.details = details;
  }
}

/** True when `error` is a {@link StoreError} with the given code. */
export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}

/** NOT_FOUND for an entity id. */
export function notFound(entity: string, id: string): StoreError {
  return new StoreError('NOT_FOUND', `no ${entity} with id ${id}`, { entity, id });
}

/** CONFLICT for a compare-and-set on a status. */
export function conflict(entity: string, id: string, expected: readonly string[], actual: string): StoreError {
  return new StoreError('CONFLICT', `${entity} ${id} is ${actual}, expected ${expected.join(' or ')}`, {
    entity,
    id,
    expected,
    actual,
  });
}

/** CONFLICT for a front replaced since it was read. */
export function frontConflict(
  key: { readonly modelId: string; readonly dataset: string; readonly deviceId: string },
  expected: number,
  actual: number,
): StoreError {
  const name = `(model ${key.modelId}, dataset ${key.dataset}, device ${key.deviceId})`;
  return new StoreError('CONFLICT', `front of ${name} is at version ${actual}, expected ${expected}`, {
    ...key,
    expected,
    actual,
  });
}
