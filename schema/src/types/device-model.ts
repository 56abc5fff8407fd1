import { objectType } from 'nexus';

export const Health = objectType({
  name: 'Health',
  definition(t) {
    t.nonNull.boolean('ok');
    t.nonNull.string('version');
    t.nonNull.string('store', { description: 'sqlite or mongodb' });
    t.nonNull.int('poolThreads');
    t.nonNull.int('runsActive');
  },
});

export const Device = objectType({
  name: 'Device',
  definition(t) {
    t.nonNull.id('id');
    t.nonNull.string('name');
    t.nonNull.string('kind', { resolve: (d) => String(d.spec['kind'] ?? '') });
    t.string('description', { resolve: (d) => (typeof d.spec['description'] === 'string' ? d.spec['description'] : null) });
    t.nonNull.float('ramBytes', { resolve: (d) => Number(d.spec['ramBytes']) });
    t.nonNull.float('storageBytes', { resolve: (d) => Number(d.spec['storageBytes']) });
    t.nonNull.boolean('calibrated', { resolve: (d) => d.spec['calibration'] !== undefined && d.spec['calibration'] !== null });
    t.nonNull.field('spec', { type: 'JSON', description: 'The full device spec (figures in SI units).' });
    t.nonNull.string('updatedAt');
  },
});

export const Artifact = objectType({
  name: 'Artifact',
  description: 'An ONNX file in the store, downloadable at `url` (ETag: its sha256).',
  definition(t) {
    t.nonNull.string('sha256');
    t.nonNull.string('url', { resolve: (a, _args, ctx) => `${ctx.artifactBaseUrl}/${a.sha256}` });
  },
});

export const Model = objectType({
  name: 'Model',
  definition(t) {
    t.nonNull.id('id');
    t.nonNull.string('name');
    t.nonNull.string('sha256');
    t.nonNull.list.nonNull.int('inputShape');
    t.nonNull.int('classes');
    t.nonNull.float('params');
    t.nonNull.float('macs');
    t.float('baselineAccuracy', { description: 'Top-1 accuracy of the unmodified model on its validation split.', resolve: (m) => m.baseline?.accuracy ?? null });
    t.string('baselineDataset', { resolve: (m) => m.baseline?.dataset ?? null });
    t.nonNull.field('coverage', { type: 'JSON', description: 'Per node: its op type and the techniques that can touch it.' });
    t.nonNull.field('artifact', { type: 'Artifact', resolve: (m) => ({ sha256: m.sha256 }) });
    t.nonNull.string('createdAt');
  },
});
