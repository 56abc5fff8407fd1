import { isStoreError } from '@frontier/search';

/** `undefined` → null for a get of an unknown id (nullable by the contract), other errors rethrown. */
export async function orNull<T>(load: Promise<T>): Promise<T | null> {
  try {
    return await load;
  } catch (err) {
    if (isStoreError(err, 'NOT_FOUND')) return null;
    throw err;
  }
}
