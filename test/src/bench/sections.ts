import type { BenchSection } from './record.js';

/** Every benchmark section, in the order `npm run bench` runs them. Each lives in its own file. */
export const SECTIONS: readonly BenchSection[] = [];
