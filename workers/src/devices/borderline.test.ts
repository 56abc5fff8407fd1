import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { latencyBorderline } from './borderline.js';

describe('latencyBorderline', () => {
  it('is true when the limit falls inside ms·(1 ± uncertainty), on either side', () => {
    assert.equal(latencyBorderline({ ms: 20, uncertainty: 0.1 }, 21), true); // predicted under, may miss
    assert.equal(latencyBorderline({ ms: 20, uncertainty: 0.1 }, 18.5), true); // predicted over, may pass
    assert.equal(latencyBorderline({ ms: 20, uncertainty: 0.1 }, 22.5), false);
    assert.equal(latencyBorderline({ ms: 20, uncertainty: 0.1 }, 17.5), false);
  });

  it('is false for a latency without an uncertainty (a measurement)', () => {
    assert.equal(latencyBorderline({ ms: 20 }, 20), false);
  });
});
