import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GraphQLError } from 'graphql';
import { SearchError, StoreError } from '@frontier/search';
import { publicError } from '@frontier/schema';
import { formatError } from './format-error.js';

/** The error as a resolver's caller sees it: wrapped by graphql-js with a path. */
function fromResolver(err: Error): GraphQLError {
  return new GraphQLError(err.message, { path: ['run'], originalError: err });
}

describe('formatError', () => {
  it('keeps public codes and messages, without a stack trace', () => {
    const err = fromResolver(publicError('FORBIDDEN', 'needs a write token'));
    const out = formatError({ ...err.toJSON(), extensions: { code: 'FORBIDDEN', stacktrace: ['at x'] } }, err, () => {});
    assert.deepEqual(out.extensions, { code: 'FORBIDDEN' });
    assert.equal(out.message, 'needs a write token');
  });

  it("maps Frontier's errors to NOT_FOUND and BAD_USER_INPUT with their messages", () => {
    const notFound = fromResolver(new StoreError('NOT_FOUND', 'no run with id x'));
    assert.deepEqual(formatError(notFound.toJSON(), notFound, () => {}), { message: 'no run with id x', path: ['run'], extensions: { code: 'NOT_FOUND' } });
    const bad = fromResolver(new SearchError('BAD_ARGUMENT', 'budget.seconds must be a positive integer, got -1'));
    assert.equal(formatError(bad.toJSON(), bad, () => {}).extensions?.['code'], 'BAD_USER_INPUT');
  });

  it('hides anything unexpected behind INTERNAL_SERVER_ERROR, with no path or stack, and logs it', () => {
    const logged: string[] = [];
    const err = fromResolver(new TypeError('cannot read properties of undefined (reading "secret")'));
    const out = formatError(err.toJSON(), err, (line) => logged.push(line));
    assert.deepEqual(out, { message: 'internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    assert.match(logged[0]!, /reading "secret"/);
  });
});
