// Widget tests: test/widgets/**/*.test.ts in headless Chromium, against the REAL backend.
// The backend is spawned when the dev server starts and stopped with it; tests find it
// through window.__CIVIC_TEST__ (see test/widgets/support.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter } from '@web/test-runner';
import { chromiumArgs, ensureChromium } from './scripts/chromium.mjs';
import { freePort, spawnServer } from './scripts/test-server.mjs';
import { countReporter } from './test/widgets/count-reporter.mjs';
import { flakyApi } from './test/widgets/fixtures/flaky-api.mjs';

// Ports are chosen up front: the server's allow-list must name the test page's origin.
const port = await freePort(); // the test runner's own (page origin)
const apiPort = await freePort();
const unreachablePort = await freePort(); // nothing listens here: error-state tests
const adminToken = 'test-admin-token';
const civicTest = { api: `http://127.0.0.1:${apiPort}`, adminToken, unreachable: `http://127.0.0.1:${unreachablePort}` };

/** Runs the reference server for as long as the test runner's dev server runs. */
function backendPlugin() {
  let server;
  let dataDir;
  return {
    name: 'civic-backend',
    async serverStart() {
      dataDir = mkdtempSync(join(tmpdir(), 'civic-wtr-'));
      server = await spawnServer({
        port: apiPort,
        env: {
          DATA_DIR: dataDir,
          ADMIN_TOKEN: adminToken,
          SEED: '1',
          DEMO: '0',
          DEMO_ORIGINS: `http://localhost:${port},http://127.0.0.1:${port}`,
          RATE_LIMIT_IP_PER_MIN: '100000',
          RATE_LIMIT_PARTICIPANT_PER_MIN: '100000',
          RATE_LIMIT_COMMENT_IP_PER_MIN: '100000',
        },
      });
    },
    async serverStop() {
      await server?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * /__civic_admin/<path> on the test page's own origin forwards to the backend's <path> with the
 * admin token: admin calls from tests then need no CORS, which the admin API rightly withholds.
 */
async function adminProxy(ctx, next) {
  if (!ctx.path.startsWith('/__civic_admin/')) return next();
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  const headers = { authorization: `Bearer ${adminToken}` };
  if (chunks.length) headers['content-type'] = ctx.get('content-type') || 'application/json';
  const res = await fetch(civicTest.api + ctx.url.slice('/__civic_admin'.length), {
    method: ctx.method,
    headers,
    body: chunks.length ? Buffer.concat(chunks) : undefined,
  });
  ctx.status = res.status;
  ctx.set('content-type', res.headers.get('content-type') ?? 'text/plain');
  // The console shows how long to wait after too many sign-in attempts.
  if (res.headers.has('retry-after')) ctx.set('retry-after', res.headers.get('retry-after'));
  ctx.body = Buffer.from(await res.arrayBuffer());
}

/** Vite's `?inline` CSS import, mirrored: the stylesheet as a module whose default export is its text. */
function inlineCss() {
  const inline = (ctx) => ctx.path.endsWith('.css') && ctx.URL.searchParams.has('inline');
  return {
    name: 'civic-inline-css',
    resolveMimeType: (ctx) => (inline(ctx) ? 'js' : undefined),
    transform: (ctx) => (inline(ctx) ? { body: `export default ${JSON.stringify(ctx.body)};` } : undefined),
  };
}

export default {
  files: ['test/widgets/**/*.test.ts'],
  port,
  nodeResolve: true,
  middleware: [adminProxy, flakyApi],
  testFramework: { config: { timeout: 5_000 } }, // real HTTP round trips, not mocks
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) }),
    backendPlugin(),
    inlineCss(),
  ],
  browsers: [chromeLauncher({ launchOptions: { executablePath: ensureChromium(), headless: true, args: chromiumArgs } })],
  testRunnerHtml: (testFramework) => `<!doctype html>
<html lang="en">
  <head><script>window.__CIVIC_TEST__ = ${JSON.stringify(civicTest)};</script></head>
  <body><script type="module" src="${testFramework}"></script></body>
</html>`,
  reporters: [defaultReporter(), countReporter()],
};
