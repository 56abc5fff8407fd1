import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { decodeImageCache, encodeImageCache, writeFileAtomic, type ImageCache } from './image-cache.js';
import { WorkersError } from '../errors.js';

const small: ImageCache = {
  height: 2,
  width: 3,
  classes: 4,
  labels: Uint8Array.from([3, 0, 1]),
  pixels: Uint8Array.from({ length: 18 }, (_, i) => i * 14),
};

function rejects(bytes: Uint8Array, problem: RegExp): void {
  assert.throws(
    () => decodeImageCache(bytes, 'x.bin'),
    (e: unknown) => e instanceof WorkersError && e.code === 'BAD_DATASET' && e.message.startsWith('x.bin: ') && problem.test(e.message),
  );
}

describe('image cache', () => {
  it('round-trips labels, pixels and dimensions', () => {
    const bytes = encodeImageCache(small);
    assert.equal(bytes.length, 32 + 3 + 18);
    const back = decodeImageCache(bytes, 'x.bin');
    assert.deepEqual({ ...back, labels: [...back.labels], pixels: [...back.pixels] }, { ...small, labels: [3, 0, 1], pixels: [...small.pixels] });
  });

  it('round-trips a version-2 set: channels and split codes', () => {
    const set: ImageCache = { ...small, channels: 3, pixels: Uint8Array.from({ length: 54 }, (_, i) => i), splits: Uint8Array.from([2, 0, 1]) };
    const bytes = encodeImageCache(set);
    assert.equal(bytes.length, 40 + 3 + 3 + 54);
    assert.equal(new DataView(bytes.buffer).getUint32(8, true), 2);
    const back = decodeImageCache(bytes, 'x.bin');
    assert.deepEqual([back.channels, [...back.splits!], [...back.labels], [...back.pixels]], [3, [2, 0, 1], [3, 0, 1], [...set.pixels]]);
    const badSplit = bytes.slice();
    badSplit[43] = 7;
    // The CRC covers the split codes: fix it up to reach the range check.
    new DataView(badSplit.buffer).setUint32(28, crc32(badSplit.subarray(32)), true);
    rejects(badSplit, /split code 7 of image 0 is not 0 \(fit\), 1 \(val\) or 2 \(test\)/);
  });

  it('writes the header fields where the layout says', () => {
    const bytes = encodeImageCache(small);
    const view = new DataView(bytes.buffer);
    assert.equal(Buffer.from(bytes.subarray(0, 8)).toString('latin1'), 'FRIMGSET');
    assert.deepEqual([1, 3, 2, 3, 4].map((_, i) => view.getUint32(8 + 4 * i, true)), [1, 3, 2, 3, 4]);
    assert.deepEqual([...bytes.subarray(32, 35)], [3, 0, 1]);
  });

  it('rejects truncation, a foreign magic, another version, bit rot and bad labels', () => {
    const good = encodeImageCache(small);
    rejects(good.subarray(0, 10), /truncated header: 10 bytes/);
    rejects(good.subarray(0, good.length - 1), /size 52 bytes, header implies 53/);
    const magic = good.slice();
    magic[0] = 0x58;
    rejects(magic, /wrong magic "XRIMGSET"/);
    const version = good.slice();
    version[8] = 3;
    rejects(version, /format version 3, expected 1 or 2/);
    const rot = good.slice();
    rot[40]! ^= 1;
    rejects(rot, /checksum mismatch/);
    const label = encodeImageCache({ ...small, labels: Uint8Array.from([3, 4, 1]) });
    rejects(label, /label 4 of image 1 is outside 0 … 3/);
  });

  it('refuses to encode pixels that do not match the dimensions', () => {
    assert.throws(() => encodeImageCache({ ...small, pixels: new Uint8Array(17) }), /pixels must hold 3·1·2·3 values, got 17/);
  });

  it('writes atomically into a new folder and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontier-cache-'));
    try {
      const file = join(dir, 'nested', 'set.bin');
      writeFileAtomic(file, Uint8Array.from([1, 2, 3]));
      writeFileAtomic(file, Uint8Array.from([4, 5]));
      assert.deepEqual([...readFileSync(file)], [4, 5]);
      assert.deepEqual(readdirSync(join(dir, 'nested')), ['set.bin']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
