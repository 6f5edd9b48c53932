// Helpers for end-to-end tests (node:test + playwright-core) against the real server,
// its real database and Debian's Chromium.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs, ensureChromium } from '../../scripts/chromium.mjs';
import { freePort, spawnServer, type SpawnedServer } from '../../scripts/test-server.mjs';

export interface TestServer {
  /** The server's own origin, e.g. http://127.0.0.1:41234 (demo pages at /, the bundle at /civic.js). */
  url: string;
  /** The second origin serving demo/ngo/ (DEMO_NGO_PORT). */
  ngoUrl: string;
  adminToken: string;
  /** Stops the server and deletes its temporary data. */
  stop(): Promise<void>;
  /** Stops and starts the server again on the same ports and data, e.g. to test persistence. */
  restart(): Promise<void>;
  /** Stops the server but keeps its ports and data, e.g. to test a backend that is down; see resume(). */
  halt(): Promise<void>;
  /** Starts a halted server again on the same ports and data. */
  resume(): Promise<void>;
}

/**
 * Starts `node --import tsx server/server.ts` with the demo (DEMO=1, SEED=1) on free ports.
 * Data goes to a temporary DATA_DIR unless env.DATABASE_URL is given. env overrides anything.
 */
export async function startServer({ env = {} }: { env?: Record<string, string | undefined> } = {}): Promise<TestServer> {
  // Two distinct ports: a port probed and released a moment ago may be handed out again at once.
  const port = await freePort();
  let ngoPort = await freePort();
  while (ngoPort === port) ngoPort = await freePort();
  const adminToken = env.ADMIN_TOKEN ?? 'e2e-admin-token';
  const dataDir = env.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'civic-e2e-'));
  // Both spellings of loopback, so a test may use either host name.
  const origins = [port, ngoPort].flatMap((p) => [`http://localhost:${p}`, `http://127.0.0.1:${p}`]);
  const fullEnv = {
    DATA_DIR: dataDir,
    ADMIN_TOKEN: adminToken,
    DEMO: '1',
    SEED: '1',
    DEMO_NGO_PORT: String(ngoPort),
    DEMO_ORIGINS: origins.join(','),
    ...env,
  };
  let server: SpawnedServer;
  const start = async () => {
    server = await spawnServer({ port, env: fullEnv });
  };
  await start().catch((err) => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    ngoUrl: `http://127.0.0.1:${ngoPort}`,
    adminToken,
    async stop() {
      await server.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await server.stop();
      await start();
    },
    async halt() {
      await server.stop();
    },
    async resume() {
      await start();
    },
  };
}

/** Headless Debian Chromium with the project's standard flags (scripts/chromium.mjs). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: ensureChromium(), args: chromiumArgs });
}

export interface PageError {
  kind: 'pageerror' | 'console' | 'unhandledrejection' | 'csp';
  message: string;
}

const REPORT_SCRIPT = `
  window.addEventListener('unhandledrejection', (e) => {
    window.__civicReportError?.('unhandledrejection', String(e.reason?.stack ?? e.reason));
  });
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__civicReportError?.('csp', e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' (' + e.sourceFile + ':' + e.lineNumber + ')');
  });
`;

/**
 * Records everything that went wrong in a page: uncaught errors, console.error, unhandled
 * promise rejections and Content-Security-Policy violations. Call before page.goto; the
 * returned array fills as the page runs, so a test ends with `assert.deepEqual(errors, [])`.
 */
export async function collectPageErrors(page: Page): Promise<PageError[]> {
  const errors: PageError[] = [];
  page.on('pageerror', (err) => errors.push({ kind: 'pageerror', message: err.stack ?? err.message }));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push({ kind: 'console', message: `${msg.text()} (${msg.location().url})` });
  });
  await page.exposeFunction('__civicReportError', (kind: PageError['kind'], message: string) => {
    errors.push({ kind, message });
  });
  // Events that Playwright does not surface on its own; runs before any page script, even under
  // strict CSP. A string, not a function: tsx would inject its __name helper, unknown in the page.
  await page.addInitScript({ content: REPORT_SCRIPT });
  return errors;
}
