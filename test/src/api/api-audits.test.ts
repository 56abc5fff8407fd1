// GraphQL over HTTP conformance: graphql-http's server audits against a started server.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serverAudits } from 'graphql-http';
import { startTestServer, type TestServer } from '../support/api-server.js';

describe('frontier serve: graphql-http server audits', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ registerBuiltins: false });
  });
  after(() => t.stop());

  it('passes every MUST audit', async () => {
    const audits = serverAudits({ url: () => `${t.url}/graphql`, fetchFn: fetch });
    const musts = audits.filter((a) => a.name.startsWith('MUST'));
    assert.ok(musts.length > 10, `found ${musts.length} MUST audits`);
    const failed: string[] = [];
    for (const audit of musts) {
      const result = await audit.fn();
      if (result.status !== 'ok') failed.push(`${audit.name}: ${result.reason}`);
    }
    assert.deepEqual(failed, []);
  });
});
