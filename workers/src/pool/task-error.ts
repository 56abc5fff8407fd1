/** What a task threw, as plain data that survives structured cloning between threads. */
export interface TaskErrorData {
  readonly name: string;
  readonly message: string;
  /** The thrown error's public code (`WorkersError.code`, `SearchError.code` …), when it had one. */
  readonly code?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The envelope a pool thread returns instead of throwing; the key marks it apart from results. */
export interface TaskErrorEnvelope {
  readonly frontierTaskError: TaskErrorData;
}

/** The envelope of a thrown value. */
export function taskError(err: unknown): TaskErrorEnvelope {
  const e = err as { name?: unknown; message?: unknown; code?: unknown; details?: unknown } | null;
  const isObject = typeof e === 'object' && e !== null;
  return {
    frontierTaskError: {
      name: isObject && typeof e.name === 'string' ? e.name : 'Error',
      message: isObject && typeof e.message === 'string' ? e.message : String(err),
      ...(isObject && typeof e.code === 'string' ? { code: e.code } : {}),
      ...(isObject && typeof e.details === 'object' && e.details !== null ? { details: structuredClone(e.details) as Record<string, unknown> } : {}),
    },
  };
}

/** Whether a pool result is a task's error envelope. */
export function isTaskError(value: unknown): value is TaskErrorEnvelope {
  return typeof value === 'object' && value !== null && 'frontierTaskError' in value;
}
