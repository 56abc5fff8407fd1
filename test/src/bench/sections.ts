import type { BenchSection } from './record.js';
import { inferenceSection } from './inference.js';
import { datasetSection } from './dataset.js';

/** Every benchmark section, in the order `npm run bench` runs them. Each lives in its own file. */
export const SECTIONS: readonly BenchSection[] = [
  inferenceSection,
  datasetSection,
];
