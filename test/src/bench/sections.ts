import type { BenchSection } from './record.js';
import { inferenceSection } from './inference.js';
import { datasetSection } from './dataset.js';
import { trainingSection } from './training.js';
import { devicesSection } from './devices.js';
import { kernelsSection } from './kernels.js';
import { samplersSection } from './samplers.js';
import { tableSection } from './table.js';
import { engineSection } from './engine.js';
import { apiSection } from './api.js';
import { scaleSection } from './scale.js';

/** Every benchmark section, in the order `npm run bench` runs them. Each lives in its own file. */
export const SECTIONS: readonly BenchSection[] = [
  inferenceSection,
  datasetSection,
  trainingSection,
  devicesSection,
  kernelsSection,
  tableSection,
  samplersSection,
  engineSection,
  apiSection,
  scaleSection,
];
