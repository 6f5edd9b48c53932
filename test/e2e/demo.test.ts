// The demo pages as a resident sees them: every poll, consultation card and project map renders
// from the real API, nothing errors or breaks the Content-Security-Policy, and axe finds no violation.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { axeViolations, eventually } from './journey.ts';
import { collectPageErrors, launchBrowser, startServer, type TestServer } from './support.ts';

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
  { path: '/', polls: 2, cards: 1 },
  { path: '/mobility.html', polls: 0, cards: 1 },
  { path: '/projects.html', polls: 0, cards: 0, maps: 1 },
  { path: '/budget.html', polls: 1, cards: 0 },
  { path: '/strict.html', polls: 1, cards: 1, csp: true },
  { path: '/ar.html', polls: 1, cards: 0 },
  { path: 'ngo', polls: 2, cards: 0 },
];

for (const { path, polls, cards, maps = 0, csp } of pages) {
  test(`demo ${path}: ${polls} poll(s), ${cards} consultation card(s) and ${maps} project map(s) render, no errors, no axe violations`, async () => {
    const page = await browser.newPage();
    try {
      const errors = await collectPageErrors(page);
      // The NGO page hard-codes the server's default address (demo/README.md): point it at this one.
      await page.route('http://localhost:8080/**', (route) =>
        route.continue({ url: route.request().url().replace('http://localhost:8080', server.url) }),
      );
      const response = await page.goto(path === 'ngo' ? server.ngoUrl : server.url + path);
      if (csp) assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'self'/);
      // Each poll and card has left its skeleton and shows its question (a public ::part).
      const shown = async () => [
        await page.locator('civic-poll [part=question]').count(),
        await page.locator('civic-consultation [part=question]').count(),
        await page.locator('civic-project-map [part=list]').count(),
      ];
      const rendered = await eventually(async () => assert.deepEqual(await shown(), [polls, cards, maps])).then(
        () => undefined,
        (err: Error) => err,
      );
      assert.deepEqual(errors, []); // first: errors usually say why a widget never rendered
      if (rendered) throw rendered;

      assert.deepEqual(await axeViolations(page), []);
    } finally {
      await page.close();
    }
  });
}
