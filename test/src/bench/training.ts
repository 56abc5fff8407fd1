// Section `training`: training throughput of fashion-cnn at batch 64 (forward + backward + update
// through Frontier's gradient graphs in onnxruntime-node, one thread), where the step's time goes by
// op kind (from onnxruntime's own profile), and the same architecture in PyTorch on one thread when
// Debian's python3-torch is installed.
import { spawnSync } from 'node:child_process';
import { findPython } from './python.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Rng, Trainer, buildArchitecture, trainableParameters, type TrainingBatch } from '@frontier/workers';
import { median, type BenchRecord, type BenchSection } from './record.js';

const BATCH = 64;
const WARMUP = 5;
const STEPS = 30;
const PROFILED_STEPS = 10;

function randomBatch(seed: number): TrainingBatch {
  const rng = new Rng(seed);
  const images = Float32Array.from({ length: BATCH * 784 }, () => rng.next());
  const labels = new Float32Array(BATCH * 10);
  for (let i = 0; i < BATCH; i++) labels[i * 10 + rng.int(10)] = 1;
  return { inputs: { input: { data: images, dims: [BATCH, 1, 28, 28] } }, labels: { data: labels, dims: [BATCH, 10] } };
}

async function createTrainer(arch: 'fashion-cnn' | 'fashion-mlp', profilePrefix?: string): Promise<Trainer> {
  const model = buildArchitecture(arch, 1);
  return Trainer.create({
    model,
    trainable: trainableParameters(model, 'all'),
    loss: { kind: 'crossEntropy' },
    optimizer: { kind: 'adam', learningRate: 1e-3, weightDecay: 1e-4 },
    ...(profilePrefix ? { profilePrefix } : {}),
  });
}

/** Median seconds per training step over STEPS steps after WARMUP. */
async function timeSteps(arch: 'fashion-cnn' | 'fashion-mlp'): Promise<number> {
  const trainer = await createTrainer(arch);
  try {
    const batch = randomBatch(1);
    for (let i = 0; i < WARMUP; i++) await trainer.step(batch, 1e-3);
    const times: number[] = [];
    for (let i = 0; i < STEPS; i++) {
      const t0 = performance.now();
      await trainer.step(batch, 1e-3);
      times.push((performance.now() - t0) / 1000);
    }
    return median(times);
  } finally {
    await trainer.release();
  }
}

interface ProfileEvent {
  readonly cat: string;
  readonly name: string;
  readonly dur: number;
  readonly args?: { readonly op_name?: string };
}

/** Kernel time per op kind over PROFILED_STEPS steps, from onnxruntime's JSON profile. */
async function opShares(): Promise<{ byOp: Map<string, number>; kernelSeconds: number; stepSeconds: number }> {
  const dir = mkdtempSync(join(os.tmpdir(), 'frontier-train-profile-'));
  try {
    const trainer = await createTrainer('fashion-cnn', join(dir, 'profile'));
    const batch = randomBatch(2);
    let stepSeconds = 0;
    try {
      for (let i = 0; i < PROFILED_STEPS; i++) {
        const t0 = performance.now();
        await trainer.step(batch, 1e-3);
        stepSeconds += (performance.now() - t0) / 1000;
      }
    } finally {
      await trainer.release(); // ends the session and flushes the profile file
    }
    const file = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (!file) throw new Error(`onnxruntime wrote no profile into ${dir}`);
    const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ProfileEvent[];
    const byOp = new Map<string, number>();
    let kernel = 0;
    for (const e of events) {
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || !e.args?.op_name) continue;
      byOp.set(e.args.op_name, (byOp.get(e.args.op_name) ?? 0) + e.dur / 1e6);
      kernel += e.dur / 1e6;
    }
    return { byOp, kernelSeconds: kernel, stepSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The identical fashion-cnn in PyTorch (same layers, He-initialised by PyTorch's defaults, AdamW with
// the same decay), one thread, batch 64, timed the same way: median of 30 steps after 5 warm-up.
const TORCH_SCRIPT = `
import json, time, statistics, torch
torch.set_num_threads(1)
torch.manual_seed(1)
nn = torch.nn
model = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
x = torch.rand(${BATCH}, 1, 28, 28)
y = torch.randint(0, 10, (${BATCH},))
loss_fn = nn.CrossEntropyLoss()
def step():
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
for _ in range(${WARMUP}): step()
times = []
for _ in range(${STEPS}):
    t0 = time.perf_counter(); step(); times.append(time.perf_counter() - t0)
print(json.dumps({"seconds": statistics.median(times), "torch": torch.__version__}))
`;

function torchStepSeconds(): { seconds: number; version: string } | string {
  const python = findPython('torch');
  if (!python) return 'python3-torch is not installed (Debian package python3-torch); PyTorch row skipped';
  const dir = mkdtempSync(join(os.tmpdir(), 'frontier-torch-'));
  try {
    const script = join(dir, 'train_step.py');
    writeFileSync(script, TORCH_SCRIPT);
    const run = spawnSync(python, [script], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } });
    if (run.status !== 0) return `the PyTorch script failed: ${run.stderr.trim().split('\n').at(-1) ?? ''}`;
    const out = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { seconds: number; torch: string };
    return { seconds: out.seconds, version: out.torch };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const trainingSection: BenchSection = {
  name: 'training',
  description: 'fashion-cnn training throughput at batch 64 (forward + backward + Adam), one thread',
  async run() {
    const records: BenchRecord[] = [];
    const cnn = await timeSteps('fashion-cnn');
    const ours = BATCH / cnn;
    const torch = torchStepSeconds();
    const conditions = `batch ${BATCH}, median of ${STEPS} steps after ${WARMUP} warm-up, onnxruntime-node intraOpNumThreads 1`;
    if (typeof torch === 'string') {
      records.push({ name: 'train.fashion-cnn.throughput', value: ours, unit: 'images/s', note: `${conditions}; ${torch}` });
    } else {
      const theirs = BATCH / torch.seconds;
      records.push({
        name: 'train.fashion-cnn.throughput',
        value: ours,
        unit: 'images/s',
        against: { name: `PyTorch ${torch.version}, 1 thread`, value: theirs, unit: 'images/s' },
        ratio: ours / theirs,
        ratioMeaning: 'Frontier / PyTorch throughput',
        note: conditions,
      });
    }
    records.push({ name: 'train.fashion-cnn.step', value: cnn * 1000, unit: 'ms', note: conditions });
    const mlp = await timeSteps('fashion-mlp');
    records.push({ name: 'train.fashion-mlp.throughput', value: BATCH / mlp, unit: 'images/s', note: conditions });
    const shares = await opShares();
    records.push({
      name: 'train.fashion-cnn.kernel_share',
      value: (100 * shares.kernelSeconds) / shares.stepSeconds,
      unit: '% of step',
      note: `onnxruntime kernel time over ${PROFILED_STEPS} profiled steps; the rest is feeding, copying and the Adam update in TypeScript (profiling itself adds overhead)`,
    });
    const ranked = [...shares.byOp].sort((a, b) => b[1] - a[1]);
    for (const [op, seconds] of ranked) {
      const share = (100 * seconds) / shares.kernelSeconds;
      if (share < 0.5) continue;
      records.push({ name: `train.fashion-cnn.op.${op}`, value: share, unit: '% of kernel time' });
    }
    return records;
  },
};
