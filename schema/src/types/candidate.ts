import { objectType } from 'nexus';

export const Latency = objectType({
  name: 'Latency',
  definition(t) {
    t.nonNull.float('ms');
    t.nonNull.field('source', { type: 'LatencySource' });
    t.float('uncertainty', { description: 'Relative held-out error of a PREDICTED latency (0.2: ±20%); null when MEASURED.' });
  },
});

export const CompressionStage = objectType({
  name: 'CompressionStage',
  description: "One stage of a candidate's compression: what it did, and the model's figures after it.",
  definition(t) {
    t.nonNull.string('stage', { description: 'lowRank, prune, distill or quant.' });
    t.nonNull.string('summary', { description: 'What changed, in one line.' });
    t.nonNull.float('seconds');
    t.nonNull.float('params', { resolve: (s) => s.after.params });
    t.nonNull.float('nonzeroParams', { resolve: (s) => s.after.nonzeroParams });
    t.nonNull.float('macs', { resolve: (s) => s.after.macs });
    t.nonNull.float('fileBytes', { description: 'Bytes of the ONNX file.', resolve: (s) => s.after.fileBytes });
    t.nonNull.float('deployBytes', { description: 'Bytes of the weights packed for a device.', resolve: (s) => s.after.deployBytes });
    t.nonNull.float('peakActivationBytes', { description: 'Peak live activation bytes for one image.', resolve: (s) => s.after.peakActivationBytes });
  },
});

export const Candidate = objectType({
  name: 'Candidate',
  description: 'One recipe evaluated (or ruled out) in a run. Metrics are null until it is DONE.',
  definition(t) {
    t.nonNull.id('id');
    t.nonNull.field('status', { type: 'CandidateStatus' });
    t.nonNull.field('run', { type: 'SearchRun', resolve: (c, _a, ctx) => ctx.loaders.run.load(c.runId) });
    t.nonNull.int('seq');
    t.nonNull.field('recipe', { type: 'JSON' });
    t.float('accuracy', { description: 'Top-1 accuracy on the validation split.', resolve: (c) => c.metrics?.accuracy.val ?? null });
    t.float('testAccuracy', { description: 'Top-1 accuracy on the test split (front members).', resolve: (c) => c.metrics?.accuracy.test ?? null });
    t.field('latency', { type: 'Latency', resolve: (c) => c.metrics?.latency ?? null });
    t.float('peakRamBytes', { resolve: (c) => c.metrics?.peakRamBytes ?? null });
    t.float('deployBytes', { resolve: (c) => c.metrics?.deployBytes ?? null });
    t.float('modelBytes', { resolve: (c) => c.metrics?.modelBytes ?? null });
    t.float('params', { resolve: (c) => c.metrics?.params ?? null });
    t.float('nonzeroParams', { resolve: (c) => c.metrics?.nonzeroParams ?? null });
    t.float('macs', { resolve: (c) => c.metrics?.macs ?? null });
    t.field('estimates', { type: 'JSON', description: "The pre-screen's analytic estimates.", resolve: (c) => c.estimates ?? null });
    t.list.nonNull.field('stages', {
      type: 'CompressionStage',
      description: 'The compression report, stage by stage in recipe order (empty for the uncompressed model; null when the evaluation did not record one).',
      resolve: (c) => (c.provenance?.stages ? [...c.provenance.stages] : null),
    });
    t.field('artifact', { type: 'Artifact', resolve: (c) => (c.artifactSha256 ? { sha256: c.artifactSha256 } : null) });
    t.string('failure', { description: 'Why it FAILED or is INFEASIBLE.', resolve: (c) => c.failureReason ?? null });
    t.id('reusedFrom', { resolve: (c) => c.reusedFrom ?? null });
    t.nonNull.string('createdAt');
  },
});

export const CandidateEdge = objectType({
  name: 'CandidateEdge',
  definition(t) {
    t.nonNull.string('cursor');
    t.nonNull.field('node', { type: 'Candidate' });
  },
});

export const CandidateConnection = objectType({
  name: 'CandidateConnection',
  definition(t) {
    t.nonNull.list.nonNull.field('edges', { type: 'CandidateEdge' });
    t.nonNull.field('pageInfo', { type: 'PageInfo' });
    t.nonNull.int('totalCount');
  },
});
