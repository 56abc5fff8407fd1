import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildSchema } from '@frontier/schema';
import { getOperationAST, parse } from 'graphql';
import { costRefusal, operationCost } from './query-cost.js';

const schema = buildSchema();

function cost(query: string, variables: Record<string, unknown> = {}, operationName?: string): number | undefined {
  const document = parse(query);
  const operation = getOperationAST(document, operationName);
  assert.ok(operation, `no operation in ${query}`);
  return operationCost({ schema, document, operation, variables });
}

describe('query cost', () => {
  it('counts a page as `first` items, whether `first` is a literal or a variable', () => {
    // runs 1 + 3 × (edges 1 + node (1 + id 1)) = 10
    assert.equal(cost('{ runs(first: 3) { edges { node { id } } } }'), 10);
    assert.equal(cost('query($n: Int) { runs(first: $n) { edges { node { id } } } }', { n: 3 }), 10);
    // Nested pages multiply: runs 1 + 3 × (edges 1 + node (1 + candidates (1 + 4 × 3))) = 46
    assert.equal(cost('query($a: Int, $b: Int) { runs(first: $a) { edges { node { candidates(first: $b) { edges { node { id } } } } } } }', { a: 3, b: 4 }), 46);
  });

  it('takes the default page without `first`, and no more than the largest page past it', () => {
    assert.equal(cost('{ runs { edges { node { id } } } }'), 1 + 20 * 3);
    assert.equal(cost('query($n: Int) { runs(first: $n) { edges { node { id } } } }', {}), 1 + 20 * 3);
    // The resolver refuses first: 5000 itself, naming the largest page; the cost takes that page.
    assert.equal(cost('{ runs(first: 5000) { edges { node { id } } } }'), 1 + 100 * 3);
  });

  it('counts an unpaged list as a default page, a candidate\'s stages as one per technique', () => {
    assert.equal(cost('{ devices { id name } }'), 1 + 20 * 2);
    // candidate 1 + (stages 1 + 4 × 2) = 10
    assert.equal(cost('{ candidate(id: "c") { stages { stage seconds } } }'), 10);
  });

  it('counts aliases and fragments where they are used, and leaves introspection out', () => {
    assert.equal(cost('{ a: devices { id } b: devices { id } c: health { ok } }'), 2 * (1 + 20) + 2);
    assert.equal(cost('fragment F on Device { id name } { devices { ...F } device(id: "x") { ...F } }'), 1 + 20 * 2 + 1 + 2);
    assert.equal(cost('{ __schema { types { name fields { name type { name } } } } }'), 0);
    assert.equal(cost('{ __typename health { ok } }'), 3);
  });

  it('costs only the operation that runs, and leaves variables that do not fit to execution', () => {
    const doc = 'query Cheap { health { ok } } query Dear { runs(first: 100) { edges { node { id } } } }';
    assert.equal(cost(doc, {}, 'Cheap'), 2);
    assert.equal(cost(doc, {}, 'Dear'), 301);
    assert.equal(cost('query($n: Int) { runs(first: $n) { totalCount } }', { n: 'many' }), undefined);
  });

  it('refuses past the limit with a validation error naming the cost and the limit, and admits up to it', () => {
    const document = parse('{ runs(first: 100) { edges { node { id } } } }');
    const operation = getOperationAST(document)!;
    assert.equal(costRefusal({ schema, document, operation, variables: {}, maxCost: 301 }), undefined);
    const refused = costRefusal({ schema, document, operation, variables: {}, maxCost: 300 });
    assert.ok(refused);
    assert.equal(refused.extensions['code'], 'GRAPHQL_VALIDATION_FAILED');
    assert.match(refused.message, /query cost 301 exceeds the limit of 300/);
  });
});
