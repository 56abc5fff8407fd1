import type * as ort from 'onnxruntime-node';
import { fillBatch, type Dataset } from '../data/dataset.js';
import { WorkersError } from '../errors.js';
import { fixedBatch, realInputs, type Model } from '../onnx/model.js';
import { createSession, runSession, type Feed } from './ort-session.js';
import type { FrozenSplit } from './split-frozen-prefix.js';

/**
 * Supplies the training graph's data inputs and teacher logits for a batch of image indices.
 * When the inputs are not augmented, the frozen prefix's outputs and the teacher's logits are
 * computed once for every image (onnxruntime, batches of 256) and then only copied; otherwise the
 * prefix and teacher run on each (augmented) batch.
 */
export class FeatureSource {
  private constructor(
    private readonly split: FrozenSplit,
    private readonly dataset: Dataset,
    private readonly prefix: ort.InferenceSession | undefined,
    private readonly teacher: ort.InferenceSession | undefined,
    private readonly features: Map<string, Float32Array> | undefined,
    private readonly teacherLogits: Float32Array | undefined,
  ) {}

  static async create(o: {
    split: FrozenSplit;
    dataset: Dataset;
    teacher: Model | undefined;
    cache: boolean;
    maxCacheBytes: number;
  }): Promise<FeatureSource> {
    const prefix = o.split.prefix ? await createSession(o.split.prefix) : undefined;
    const teacher = o.teacher ? await createSession(o.teacher) : undefined;
    const source = new FeatureSource(o.split, o.dataset, prefix, teacher, undefined, undefined);
    const perImage = o.split.boundary.reduce((s, b) => s + b.dims.reduce((p, d) => p * d, 1), 0);
    const cacheFeatures = o.cache && prefix !== undefined && perImage * o.dataset.count * 4 <= o.maxCacheBytes;
    if (!o.cache || (!cacheFeatures && !teacher)) return source;
    const features = cacheFeatures ? new Map(o.split.boundary.map((b) => [b.name, new Float32Array(o.dataset.count * size(b.dims))])) : undefined;
    let logits: Float32Array | undefined;
    // Models with a fixed batch take exactly that many images per run.
    const chunk = Math.min(...[o.split.prefix, o.teacher].map((m) => (m && fixedBatch(m)) ?? 256));
    for (let start = 0; start < o.dataset.count; start += chunk) {
      const idx = Int32Array.from({ length: Math.min(chunk, o.dataset.count - start) }, (_, i) => start + i);
      const pixels = fillBatch(o.dataset, idx);
      if (features) {
        const out = await source.runPrefix(pixels, idx.length);
        for (const b of o.split.boundary) features.get(b.name)!.set(out[b.name]!.data, start * size(b.dims));
      }
      if (teacher) {
        const t = await source.runTeacher(pixels, idx.length);
        logits ??= new Float32Array(o.dataset.count * (t.data.length / idx.length));
        logits.set(t.data, start * (t.data.length / idx.length));
      }
    }
    await prefix?.release();
    await teacher?.release();
    return new FeatureSource(o.split, o.dataset, features ? undefined : prefix, logits ? undefined : teacher, features, logits);
  }

  /** Whether `batch` needs the images' pixels (false when every input comes from the cache). */
  get needsPixels(): boolean {
    return this.features === undefined || (this.teacher !== undefined && this.teacherLogits === undefined);
  }

  /** Data inputs and teacher logits for the images `idx` (`pixels`: their float batch, when needed). */
  async batch(idx: Int32Array, pixels?: Float32Array): Promise<{ inputs: Record<string, Feed>; teacherLogits?: Feed }> {
    const n = idx.length;
    let inputs: Record<string, Feed>;
    if (this.features) {
      inputs = {};
      for (const b of this.split.boundary) inputs[b.name] = { data: gather(this.features.get(b.name)!, idx, size(b.dims)), dims: [n, ...b.dims] };
    } else {
      if (!pixels) throw new WorkersError('BAD_ARGUMENT', 'pixels are needed for an uncached batch');
      inputs = this.prefix ? await this.runPrefix(pixels, n) : { [this.split.boundary[0]!.name]: { data: pixels, dims: [n, ...this.dataset.shape] } };
    }
    if (this.teacherLogits) {
      const k = this.teacherLogits.length / this.dataset.count;
      return { inputs, teacherLogits: { data: gather(this.teacherLogits, idx, k), dims: [n, k] } };
    }
    if (this.teacher) return { inputs, teacherLogits: await this.runTeacher(pixels!, n) };
    return { inputs };
  }

  async release(): Promise<void> {
    await this.prefix?.release();
    await this.teacher?.release();
  }

  private async runPrefix(pixels: Float32Array, n: number): Promise<Record<string, Feed>> {
    const input = realInputs(this.split.prefix!.graph)[0]!.name;
    const names = this.split.boundary.map((b) => b.name);
    const out = await runSession(this.prefix!, { [input]: { data: pixels.subarray(0, n * size(this.dataset.shape)), dims: [n, ...this.dataset.shape] } }, names);
    return Object.fromEntries(this.split.boundary.map((b) => [b.name, { data: out[b.name] as Float32Array, dims: [n, ...b.dims] }]));
  }

  private async runTeacher(pixels: Float32Array, n: number): Promise<Feed> {
    const session = this.teacher!;
    const out = await runSession(session, { [session.inputNames[0]!]: { data: pixels.subarray(0, n * size(this.dataset.shape)), dims: [n, ...this.dataset.shape] } }, [session.outputNames[0]!]);
    const data = out[session.outputNames[0]!] as Float32Array;
    return { data, dims: [n, data.length / n] };
  }
}

function size(dims: readonly number[]): number {
  return dims.reduce((p, d) => p * d, 1);
}

function gather(all: Float32Array, idx: Int32Array, width: number): Float32Array {
  const out = new Float32Array(idx.length * width);
  for (let i = 0; i < idx.length; i++) out.set(all.subarray(idx[i]! * width, (idx[i]! + 1) * width), i * width);
  return out;
}
