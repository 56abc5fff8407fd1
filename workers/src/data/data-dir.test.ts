import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { defaultDataDir } from './data-dir.js';

describe('defaultDataDir', () => {
  it('reads FRONTIER_DATA and falls back to ./.frontier', () => {
    assert.equal(defaultDataDir({ FRONTIER_DATA: '/srv/frontier' }), '/srv/frontier');
    assert.equal(defaultDataDir({ FRONTIER_DATA: 'rel/dir' }), resolve('rel/dir'));
    assert.equal(defaultDataDir({}), resolve('.frontier'));
    assert.equal(defaultDataDir({ FRONTIER_DATA: '' }), resolve('.frontier'));
  });
});
