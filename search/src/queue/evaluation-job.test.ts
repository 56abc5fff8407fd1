import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { detectHostFacts, deviceCatalogue, findDevice } from '@frontier/workers';
import { evaluationJobId, parseEvaluationJob, parseEvaluationResult, type EvaluateJob } from './evaluation-job.js';

const sha = 'a'.repeat(64);
const device = findDevice('stm32h7', deviceCatalogue(detectHostFacts()));
const good = { kind: 'evaluate', modelSha256: sha, recipe: { prune: { ratio: 0.5, structure: 'unstructured' } }, dataset: 'fashion-mnist', device, seed: 7 };

describe('parseEvaluationJob', () => {
  it('accepts a well-formed evaluate job and a test job', () => {
    const job = parseEvaluationJob(JSON.parse(JSON.stringify(good)));
    assert.equal(job.kind, 'evaluate');
    assert.deepEqual(parseEvaluationJob({ kind: 'test', artifactSha256: sha, dataset: 'fashion-mnist' }), { kind: 'test', artifactSha256: sha, dataset: 'fashion-mnist' });
    const pets = { sha256: 'b'.repeat(64), name: 'pets', normalize: { mean: [0.5], std: [0.25] } };
    assert.deepEqual(parseEvaluationJob({ ...good, dataset: pets }).kind === 'evaluate' && parseEvaluationJob({ ...good, dataset: pets }).dataset, pets);
  });

  const cases: [string, unknown, RegExp][] = [
    ['not an object', 'job', /^job must be an object, got "job"$/],
    ['an unknown kind', { ...good, kind: 'train' }, /^job\.kind must be "evaluate" or "test", got "train"$/],
    ['an unknown field', { ...good, extra: 1 }, /^job has an unknown field "extra"/],
    ['a bad sha256', { ...good, modelSha256: 'ABC' }, /^job\.modelSha256 must be a lower-case hex sha256, got "ABC"$/],
    ['a negative seed', { ...good, seed: -1 }, /^job\.seed must be an integer in \[0, 2\^32\), got -1$/],
    ['a fractional seed', { ...good, seed: 1.5 }, /^job\.seed must be an integer in \[0, 2\^32\), got 1\.5$/],
    ['an unknown dataset', { ...good, dataset: 'mnist' }, /^job\.dataset must be "fashion-mnist" or a registered dataset \{sha256, name, normalize\}, got "mnist"$/],
    ['a registered dataset without its hash', { ...good, dataset: { name: 'pets', sha256: 'x', normalize: { mean: [0], std: [1] } } }, /^job\.dataset\.sha256 must be a lower-case hex sha256, got "x"$/],
    ['a registered dataset with a bad std', { ...good, dataset: { name: 'pets', sha256: sha, normalize: { mean: [0], std: ['1'] } } }, /^job\.dataset\.normalize\.std must be a non-empty list of finite numbers/],
    ['a bad recipe', { ...good, recipe: { prune: { ratio: 1.5, structure: 'unstructured' } } }, /ratio.*1\.5/],
    ['a bad device', { ...good, device: { id: 'x' } }, /^device\.kind must be one of host, board, mcu, accelerator, got undefined$/],
    ['bad latency runs', { ...good, latency: { runs: -3 } }, /^job\.latency\.runs must be an integer ≥ 0, got -3$/],
    ['a test job without its artifact', { kind: 'test', dataset: 'fashion-mnist' }, /^job\.artifactSha256 must be a lower-case hex sha256, got undefined$/],
  ];
  for (const [what, value, message] of cases) {
    it(`rejects ${what}, naming the field and the value`, () => {
      assert.throws(() => parseEvaluationJob(value), (err: Error) => /^(Search|Workers)Error$/.test(err.name) && message.test(err.message));
    });
  }
});

describe('evaluationJobId', () => {
  it('is the same for the same evaluation and differs with the seed or the recipe', () => {
    const job = parseEvaluationJob(good) as EvaluateJob;
    const reordered = parseEvaluationJob({ ...good, recipe: { prune: { structure: 'unstructured', ratio: 0.5 } } });
    assert.equal(evaluationJobId(job), evaluationJobId(reordered));
    assert.notEqual(evaluationJobId(job), evaluationJobId({ ...job, seed: 8 }));
    assert.notEqual(evaluationJobId(job), evaluationJobId({ ...job, recipe: { prune: { ratio: 0.6, structure: 'unstructured' } } }));
  });
});

describe('parseEvaluationResult', () => {
  const job = parseEvaluationJob(good);
  const metrics = { accuracy: { val: 0.8 }, latency: { ms: 1, source: 'PREDICTED' }, peakRamBytes: 1, modelBytes: 1, deployBytes: 1, params: 1, nonzeroParams: 1, macs: 1 };
  it('accepts a worker\'s answer', () => {
    const r = parseEvaluationResult({ kind: 'evaluate', metrics, artifactSha256: sha, provenance: {} }, job);
    assert.equal(r.kind, 'evaluate');
  });
  it('rejects an answer of the wrong kind or with bad figures', () => {
    assert.throws(() => parseEvaluationResult({ kind: 'test', accuracy: 0.5 }, job), /result\.kind must be "evaluate", got "test"/);
    assert.throws(() => parseEvaluationResult({ kind: 'evaluate', metrics: { ...metrics, macs: 'many' }, artifactSha256: sha, provenance: {} }, job), /result\.metrics\.macs must be a finite number, got "many"/);
    assert.throws(() => parseEvaluationResult({ kind: 'evaluate', metrics: { ...metrics, accuracy: { val: 2 } }, artifactSha256: sha, provenance: {} }, job), /result\.metrics\.accuracy\.val must be in \[0, 1\], got 2/);
  });
});
