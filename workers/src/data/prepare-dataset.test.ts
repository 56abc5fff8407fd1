import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { WorkersError } from '../errors.js';
import { writeSyntheticImageFolder } from '../testing/image-folder.js';
import { encodeIdx } from './idx.js';
import { encodeNpy } from './npy.js';
import { prepareDataset } from './prepare-dataset.js';
import { loadRegisteredImages, registeredSplit } from './registered-dataset.js';

const badDataset = (pattern: RegExp) => (e: unknown) => e instanceof WorkersError && e.code === 'BAD_DATASET' && pattern.test(e.message);

describe('prepareDataset: image folders', () => {
  let tmp: string;
  let dataDir: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'frontier-folder-'));
    dataDir = join(tmp, 'data');
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('decodes 3-channel images into the cache, sorted class names, a seeded stratified split', async () => {
    const root = join(tmp, 'ok');
    await writeSyntheticImageFolder({ root, classes: ['zebra', 'ant', 'moth'], perClass: 10, size: [12, 10] });
    const p = await prepareDataset({ path: root, dataDir, split: { val: 0.2, test: 0.2, seed: 3 } });
    assert.deepEqual(p.classes, [{ name: 'ant', count: 10 }, { name: 'moth', count: 10 }, { name: 'zebra', count: 10 }]);
    assert.deepEqual(p.shape, [3, 12, 10]);
    // ⌈10 · 0.2⌉ = 2 per class in val and in test.
    assert.deepEqual({ fit: p.splits.fit, val: p.splits.val, test: p.splits.test }, { fit: 18, val: 6, test: 6 });
    assert.equal(p.report.resized, 0);
    const images = loadRegisteredImages({ dataDir, ref: { sha256: p.sha256, name: 'ok', normalize: { mean: [0], std: [1] } } });
    const val = registeredSplit(images, 'val');
    assert.deepEqual([...val.labels], [0, 1, 2, 0, 1, 2], 'class-interleaved');
    // Pixels are sharp's own decoding, moved from HWC to CHW: compare one image with sharp directly.
    const first = join(root, 'ant', 'ant-0000.png');
    const raw = await sharp(first).removeAlpha().raw().toBuffer();
    const fitAll = registeredSplit(images, 'train');
    const index = [...images.cache.labels].findIndex((l) => l === 0);
    assert.equal(fitAll.count, 24);
    const plane = 120;
    const at = index * 3 * plane;
    for (const p0 of [0, 17, 119]) for (const k of [0, 1, 2]) assert.equal(images.cache.pixels[at + k * plane + p0], raw[p0 * 3 + k]);
    // The same folder and settings give the same hash; another seed is another dataset.
    assert.equal((await prepareDataset({ path: root, dataDir, split: { val: 0.2, test: 0.2, seed: 3 } })).sha256, p.sha256);
    assert.notEqual((await prepareDataset({ path: root, dataDir, split: { val: 0.2, test: 0.2, seed: 4 } })).sha256, p.sha256);
  });

  it('a changed file is a new dataset, and the old cache is refused if tampered with', async () => {
    const root = join(tmp, 'changed');
    const files = await writeSyntheticImageFolder({ root, perClass: 6, size: [8, 8] });
    const before = await prepareDataset({ path: root, dataDir });
    writeFileSync(files[0]![0]!, await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer());
    const afterChange = await prepareDataset({ path: root, dataDir });
    assert.notEqual(afterChange.sha256, before.sha256);
    const bytes = readFileSync(before.cacheFile);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    writeFileSync(before.cacheFile, bytes);
    assert.throws(() => loadRegisteredImages({ dataDir, ref: { sha256: before.sha256, name: 'x', normalize: { mean: [0], std: [1] } } }), badDataset(/no longer hashes to/));
  });

  it('uses train/ val/ test/ subfolders as the split when present', async () => {
    const root = join(tmp, 'explicit');
    await writeSyntheticImageFolder({ root, under: 'train', perClass: 5, size: [8, 8] });
    await writeSyntheticImageFolder({ root, under: 'val', perClass: 2, size: [8, 8], seed: 2 });
    await writeSyntheticImageFolder({ root, under: 'test', perClass: 3, size: [8, 8], seed: 3 });
    const p = await prepareDataset({ path: root, dataDir });
    assert.equal(p.splits.from, 'folders');
    assert.deepEqual({ fit: p.splits.fit, val: p.splits.val, test: p.splits.test }, { fit: 15, val: 6, test: 9 });
  });

  it('resizes mixed sizes to the most common one and reports how many', async () => {
    const root = join(tmp, 'mixed');
    await writeSyntheticImageFolder({ root, perClass: 5, size: (i) => (i === 4 ? [20, 14] : [10, 10]) });
    const p = await prepareDataset({ path: root, dataDir });
    assert.deepEqual(p.preprocessing.size, [10, 10]);
    assert.equal(p.report.resized, 3);
    assert.deepEqual(p.report.sizes, [{ size: '10×10', count: 12 }, { size: '20×14', count: 3 }]);
    const stretched = await prepareDataset({ path: root, dataDir, size: [6, 9], resize: 'stretch' });
    assert.deepEqual(stretched.shape, [3, 6, 9]);
    assert.equal(stretched.report.resized, 15);
  });

  it('names non-image and unreadable files, skipping them or refusing the folder', async () => {
    const root = join(tmp, 'bad-files');
    await writeSyntheticImageFolder({ root, perClass: 5, size: [8, 8] });
    writeFileSync(join(root, 'red', 'notes.txt'), 'not an image');
    writeFileSync(join(root, 'green', 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\n garbage'));
    const p = await prepareDataset({ path: root, dataDir });
    assert.deepEqual(p.report.skipped.map((s) => s.file).sort(), [join('green', 'broken.png'), join('red', 'notes.txt')]);
    assert.match(p.report.skipped.find((s) => s.file.endsWith('notes.txt'))!.reason, /not an image file \(extension "\.txt"/);
    assert.match(p.report.skipped.find((s) => s.file.endsWith('broken.png'))!.reason, /not a readable image/);
    assert.equal(p.classes.reduce((n, c) => n + c.count, 0), 15);
    await assert.rejects(prepareDataset({ path: root, dataDir, badFiles: 'refuse' }), badDataset(/(notes\.txt: not an image file|broken\.png: not a readable image).*refused/));
  });

  it('refuses an empty class folder, a single class and a folder without classes', async () => {
    const empty = join(tmp, 'empty-class');
    await writeSyntheticImageFolder({ root: empty, perClass: 4, size: [8, 8] });
    mkdirSync(join(empty, 'violet'));
    await assert.rejects(prepareDataset({ path: empty, dataDir }), badDataset(/class folder violet\/ holds no images/));
    const single = join(tmp, 'single');
    await writeSyntheticImageFolder({ root: single, classes: ['only'], perClass: 4, size: [8, 8] });
    await assert.rejects(prepareDataset({ path: single, dataDir }), badDataset(/a single class \("only"\); a classifier needs at least two/));
    const none = join(tmp, 'none');
    mkdirSync(none);
    await assert.rejects(prepareDataset({ path: none, dataDir }), badDataset(/no class folders/));
    await assert.rejects(prepareDataset({ path: join(tmp, 'missing'), dataDir }), badDataset(/missing: cannot read/));
  });

  it('refuses a class too small to split', async () => {
    const root = join(tmp, 'tiny');
    await writeSyntheticImageFolder({ root, perClass: 2, size: [8, 8] });
    await assert.rejects(prepareDataset({ path: root, dataDir }), badDataset(/class "blue" has 2 image\(s\): too few for a split/));
  });
});

describe('prepareDataset: IDX and .npy arrays', () => {
  let tmp: string;
  before(() => (tmp = mkdtempSync(join(tmpdir(), 'frontier-arrays-'))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const write = (name: string, bytes: Uint8Array) => {
    const path = join(tmp, name);
    writeFileSync(path, bytes);
    return path;
  };
  const images = (n: number) => encodeIdx({ dtype: 'uint8', shape: [n, 4, 4], data: Uint8Array.from({ length: n * 16 }, (_, i) => i % 251) });

  it('registers uint8 images with their labels and class names', async () => {
    const path = write('images.idx', images(30));
    const labelsPath = write('labels.npy', encodeNpy({ dtype: 'int64', shape: [30], data: BigInt64Array.from({ length: 30 }, (_, i) => BigInt(i % 3)) }));
    const p = await prepareDataset({ path, labelsPath, classNames: ['a', 'b', 'c'], dataDir: join(tmp, 'data') });
    assert.deepEqual(p.shape, [1, 4, 4]);
    assert.deepEqual(p.classes, [{ name: 'a', count: 10 }, { name: 'b', count: 10 }, { name: 'c', count: 10 }]);
  });

  it('refuses labels out of range, a count mismatch and a single class', async () => {
    const path = write('images2.idx', images(6));
    const outOfRange = write('range.idx', encodeIdx({ dtype: 'uint8', shape: [6], data: Uint8Array.from([0, 1, 2, 0, 1, 5]) }));
    await assert.rejects(prepareDataset({ path, labelsPath: outOfRange, classNames: ['a', 'b', 'c'], dataDir: tmp }), badDataset(/range\.idx: label 5 of image 5 is outside 0 … 2/));
    const short = write('short.idx', encodeIdx({ dtype: 'uint8', shape: [5], data: Uint8Array.from([0, 1, 0, 1, 0]) }));
    await assert.rejects(prepareDataset({ path, labelsPath: short, dataDir: tmp }), badDataset(/short\.idx: label count 5 ≠ image count 6/));
    const one = write('one.idx', encodeIdx({ dtype: 'uint8', shape: [6], data: new Uint8Array(6) }));
    await assert.rejects(prepareDataset({ path, labelsPath: one, dataDir: tmp }), badDataset(/a single class \("0"\)/));
    await assert.rejects(prepareDataset({ path, dataDir: tmp }), (e: unknown) => e instanceof WorkersError && e.code === 'BAD_ARGUMENT' && /give its labels/.test(e.message));
  });
});
