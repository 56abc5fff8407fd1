/**
 * Public error codes of the search algorithms (space, recipes, objectives, samplers, tables).
 * Callers branch on `code`; messages are for people and name the parameter and the bad value.
 * (The store has its own `StoreError`, whose contract its adapters share.)
 */
export type SearchErrorCode =
  | 'BAD_SPACE' // a user-given search space is invalid
  | 'BAD_RECIPE' // a recipe is invalid or outside the space
  | 'BAD_ARGUMENT' // an option, objective, constraint or trial is invalid
  | 'BAD_TABLE' // a tabular benchmark file is malformed or incomplete
  | 'SPACE_EXHAUSTED' // every recipe of a finite space has been proposed already
  | 'DATASET_UNAVAILABLE'; // a queue worker lacks a registered dataset and cannot fetch it (or got a wrong one)

/** The root error of Frontier's search algorithms. */
export class SearchError extends Error {
  readonly code: SearchErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: SearchErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'SearchError';
    this.code = code;
    this.details = details;
  }
}
