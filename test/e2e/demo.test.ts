// The demo pages as a resident sees them: every poll renders from the real API, nothing
// errors or breaks the Content-Security-Policy, and axe finds no violation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { collectPageErrors, launchBrowser, startServer, type TestServer } from './support.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
// A string, not a function: tsx would inject its __name helper, unknown in the page.
const RUN_AXE = `axe.run(document, { resultTypes: ['violations'] }).then((r) =>
  r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) })))`;

let server: TestServer;
let browser: Browser;
before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const pages = [
  { path: '/', polls: 2 },
  { path: '/budget.html', polls: 1 },
  { path: '/strict.html', polls: 1, csp: true },
  { path: '/ar.html', polls: 1 },
  { path: 'ngo', polls: 2 },
];

for (const { path, polls, csp } of pages) {
  test(`demo ${path}: ${polls} poll(s) render, no errors, no axe violations`, async () => {
    const page = await browser.newPage();
    try {
      const errors = await collectPageErrors(page);
      // The NGO page hard-codes the server's default address (demo/README.md): point it at this one.
      await page.route('http://localhost:8080/**', (route) =>
        route.continue({ url: route.request().url().replace('http://localhost:8080', server.url) }),
      );
      const response = await page.goto(path === 'ngo' ? server.ngoUrl : server.url + path);
      if (csp) assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'self'/);
      // Each poll has left its skeleton and shows its question (a public ::part).
      const questions = page.locator('civic-poll [part=question]');
      const rendered = await questions
        .nth(polls - 1)
        .waitFor({ timeout: 10_000 })
        .then(() => undefined, (err: Error) => err);
      assert.deepEqual(errors, []); // first: errors usually say why a poll never rendered
      if (rendered) throw rendered;
      assert.equal(await questions.count(), polls);

      await page.evaluate(axeSource); // via DevTools, so the page's CSP does not apply
      assert.deepEqual(await page.evaluate(RUN_AXE), []);
    } finally {
      await page.close();
    }
  });
}
