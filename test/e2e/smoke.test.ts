// Smoke: the real server boots with the demo, and serves the built widget bundle.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startServer, type TestServer } from './support.ts';

const bundle = new URL('../../dist/cdn/civic.js', import.meta.url);
let server: TestServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

test('GET /health answers 200', async () => {
  const res = await fetch(`${server.url}/health`);
  assert.equal(res.status, 200);
});

test('GET /civic.js serves the built bundle as JavaScript', async () => {
  assert.ok(existsSync(bundle), 'dist/cdn/civic.js is missing: run `npm run build` before the e2e tests');
  const res = await fetch(`${server.url}/civic.js`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^(text|application)\/javascript\b/);
  assert.ok((await res.text()).length > 0, 'empty bundle');
});
