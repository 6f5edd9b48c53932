// What the end-to-end journeys share: one Chromium per test file (each file runs in its own
// process), and per test its own server, browser contexts and small servers, closed at its end.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, type TestContext } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { freePort } from '../../scripts/test-server.mjs';
import { collectPageErrors, launchBrowser, startServer, type PageError, type TestServer } from './support.ts';

export const cdnDir = fileURLToPath(new URL('../../dist/cdn/', import.meta.url));
/** Longest wait for one thing to appear in a page (a whole test has its own, larger timeout). */
export const UI_TIMEOUT = 10_000;
export const TEST_TIMEOUT = 90_000;

let browser: Browser;

/** Starts the file's browser before its tests and closes it after them. */
export function useBrowser() {
  before(async () => {
    assert.ok(existsSync(join(cdnDir, 'civic.js')), 'dist/cdn/civic.js is missing: run `npm run build` before the e2e tests');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
}

/** A server of its own for one test, stopped when the test ends. */
export async function serverFor(t: TestContext, env?: Record<string, string>): Promise<TestServer> {
  const server = await startServer({ env });
  t.after(() => server.stop());
  return server;
}

/** A fresh browser context (its own localStorage: another resident), closed when the test ends. */
export async function contextFor(t: TestContext): Promise<BrowserContext> {
  const context = await browser.newContext();
  context.setDefaultTimeout(UI_TIMEOUT);
  context.setDefaultNavigationTimeout(UI_TIMEOUT);
  t.after(() => context.close());
  return context;
}

/** A page that records its errors from the first script on. */
export async function pageIn(context: BrowserContext): Promise<{ page: Page; errors: PageError[] }> {
  const page = await context.newPage();
  const errors = await collectPageErrors(page);
  return { page, errors };
}

export const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Retries an assertion until it holds or `timeout` ms have passed, then throws its last failure. */
/**
 * Clicks "Show more" until `items` counts `total`. The comment thread draws a page in steps, so the
 * count can grow before the clicked page arrives, and the button can go while it is clicked (the last
 * page came in): both are fine, the count decides.
 */
export async function showAll(more: Locator, items: Locator, total: number): Promise<void> {
  for (let round = 0; round < 40 && (await items.count()) < total; round++) {
    const before = await items.count();
    if (await more.isVisible()) await more.click({ timeout: 3_000 }).catch(() => {});
    await eventually(async () => assert.ok((await items.count()) > before, 'Show more showed nothing more'));
  }
  assert.equal(await items.count(), total);
}

export async function eventually(check: () => Promise<void> | void, timeout = UI_TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Waits for `target` to be visible; on timeout fails with what the widgets show instead (an
 * error message, a skeleton …) and the page's errors, which usually say why.
 */
export async function appears(target: Locator, what: string, errors: PageError[], timeout = UI_TIMEOUT): Promise<void> {
  try {
    await target.waitFor({ timeout });
  } catch {
    const shown = await target
      .page()
      .locator(':is(civic-poll, civic-comments, civic-consultation)')
      .evaluateAll((els) => els.map((el) => `${el.localName} ${el.getAttribute('poll') ?? el.getAttribute('thread') ?? el.getAttribute('consultation') ?? el.getAttribute('section') ?? ''}: "${el.shadowRoot?.textContent ?? '(no shadow root)'}"`))
      .catch((err: Error) => [`(could not read the widgets: ${err.message})`]);
    assert.fail(`${what} within ${timeout} ms.\nThe widgets show: ${shown.map(squash).join('; ') || '(no widget)'}\nPage errors: ${JSON.stringify(errors, null, 1)}`);
  }
}

export async function adminFetch(server: TestServer, path: string, init: RequestInit = {}) {
  const res = await fetch(`${server.url}/v1/admin/${path}`, {
    ...init,
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json', ...init.headers },
    signal: AbortSignal.timeout(5_000),
  });
  const body = await res.json();
  assert.ok(res.ok, `admin ${init.method ?? 'GET'} ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** A tiny static server on 127.0.0.1 (an origin of our own), closed when the test ends. */
export async function staticServer(
  t: TestContext,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; server: Server }> {
  const port = (await freePort()) as number;
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${port}`, server };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
// A string, not a function: tsx would inject its __name helper, unknown in the page.
const RUN_AXE = `axe.run(document, { resultTypes: ['violations'] }).then((r) =>
  r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) })))`;

/** axe's violations on the whole page, shadow roots included (injected through DevTools, so a page CSP does not apply). */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string; targets: string[] }[]> {
  await page.evaluate(axeSource);
  return page.evaluate(RUN_AXE);
}
