import { inputObjectType, objectType } from 'nexus';

export const DatasetClass = objectType({
  name: 'DatasetClass',
  description: 'One class of a dataset: its name (the folder name, for image folders) and image count.',
  definition(t) {
    t.nonNull.string('name');
    t.nonNull.int('count');
  },
});

export const DatasetSplits = objectType({
  name: 'DatasetSplits',
  description: 'Images per split. `fit` trains, fine-tunes and calibrates; searches select on `val`; front members also report `test`.',
  definition(t) {
    t.nonNull.int('fit', { resolve: (s) => Number(s['fit'] ?? 0) });
    t.nonNull.int('val', { resolve: (s) => Number(s['val'] ?? 0) });
    t.nonNull.int('test', { resolve: (s) => Number(s['test'] ?? 0) });
    t.nonNull.string('from', { description: '`folders` (train/ val/ test/ subfolders) or `seeded` (a seeded stratified draw).', resolve: (s) => String(s['from'] ?? '') });
  },
});

export const Dataset = objectType({
  name: 'Dataset',
  description: 'A registered dataset: decoded once into a cache on the server; `sha256` is the provenance hash candidates record.',
  definition(t) {
    t.nonNull.id('id');
    t.nonNull.string('name');
    t.nonNull.string('sha256');
    t.nonNull.list.nonNull.int('shape', { description: 'Image shape [C, H, W] as stored.' });
    t.nonNull.list.nonNull.field('classes', { type: 'DatasetClass' });
    t.nonNull.int('imageCount', { resolve: (d) => d.classes.reduce((n, c) => n + c.count, 0) });
    t.nonNull.field('splits', { type: 'DatasetSplits' });
    t.nonNull.field('source', { type: 'JSON', description: '{kind, path, labelsPath?}: where it was read from, on the server.' });
    t.nonNull.field('preprocessing', { type: 'JSON', description: 'Resize mode, size, channels, scale, per-channel mean and std.' });
    t.nonNull.field('report', { type: 'JSON', description: 'What registration found: files skipped (named, with the reason), images resized, sizes.' });
    t.nonNull.string('createdAt');
  },
});

export const SplitFractionsInput = inputObjectType({
  name: 'SplitFractionsInput',
  description: 'Fractions of each class drawn into val and test (the rest is fit), and the seed of the draw.',
  definition(t) {
    t.nonNull.float('val');
    t.nonNull.float('test');
    t.int('seed');
  },
});

export const RegisterDatasetInput = inputObjectType({
  name: 'RegisterDatasetInput',
  definition(t) {
    t.nonNull.string('name');
    t.nonNull.string('path', { description: 'On the server: an image folder (<class>/*.png|jpg|jpeg|webp, optionally under train/ val/ test/), or an IDX/.npy images file.' });
    t.string('labelsPath', { description: 'Labels of an IDX/.npy images file.' });
    t.list.nonNull.string('classNames', { description: 'Class names in label order (IDX/.npy).' });
    t.field('split', { type: 'SplitFractionsInput', description: 'Default val 0.1, test 0.1, seed 0; ignored when train/ test/ folders decide it.' });
    t.list.nonNull.int('size', { description: '[H, W] to resize to; default the most common size.' });
    t.string('resize', { description: 'crop (default: shorter side to fit, centre cut) or stretch.' });
    t.int('channels', { description: '1 or 3; default 3, or 1 when every image is gray.' });
    t.string('badFiles', { description: 'skip (default: named in the report) or refuse.' });
    t.string('normalize', { description: 'A named per-channel mean/std: imagenet.' });
    t.list.nonNull.float('mean', { description: 'Per-channel mean on the 0–1 scale (with std).' });
    t.list.nonNull.float('std', { description: 'Per-channel std on the 0–1 scale (with mean).' });
  },
});
