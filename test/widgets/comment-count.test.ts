// <civic-comment-count> batching in Chromium against the real backend: many counts on one page go
// out in as few requests as fit, and no request URL is longer than servers and proxies accept.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/widgets/comments/define-count.ts';
import type { CivicCommentCount } from '../../src/widgets/comments/civic-comment-count.ts';
import { adminFetch, testApi } from './support.ts';

/** What the widget promises: no count URL longer than this (Node answers 431 above 16 KB of headers). */
const MAX_URL = 6000;

let site: string;
before(async () => {
  site = (
    await adminFetch<{ id: string }>('/v1/admin/sites', {
      method: 'POST',
      body: JSON.stringify({ name: 'Comment count test site', origins: [location.origin], comments: { rateLimitSeconds: 0, dailyCap: 0 } }),
    })
  ).id;
});

/** A comment by another resident, through the public API. */
async function postAs(thread: string, body: string) {
  const headers = { 'content-type': 'application/json' };
  const { token } = await (await fetch(`${testApi()}/v1/participants`, { method: 'POST', headers, body: '{}' })).json();
  const res = await fetch(`${testApi()}/v1/comments`, {
    method: 'POST',
    headers: { ...headers, authorization: `Participant ${token}`, 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({ thread, site, name: 'Bruno', body }),
  });
  expect(res.status, await res.clone().text()).to.equal(201);
}

/** The count requests the page makes while `run` runs, from Resource Timing (what the browser really asked for). */
async function countRequests(run: () => Promise<void>): Promise<string[]> {
  const asked: string[] = [];
  const observer = new PerformanceObserver((l) => l.getEntries().forEach((e) => e.name.includes('/v1/comments/count') && asked.push(e.name)));
  observer.observe({ type: 'resource', buffered: false });
  await run();
  await new Promise((r) => setTimeout(r, 100)); // entries are delivered after the response
  observer.disconnect();
  return asked;
}

const mount = (keys: string[]) =>
  fixture(html`<ul>
    ${keys.map((k) => html`<li><civic-comment-count api=${testApi()} site=${site} thread=${k}></civic-comment-count></li>`)}
  </ul>`);
const shown = (box: Element) => [...box.querySelectorAll<CivicCommentCount>('civic-comment-count')].map((c) => c.shadowRoot!.textContent!.trim());

describe('civic-comment-count batching', () => {
  it('splits 50 counts with 500-character keys into requests whose URLs fit, and shows every count', async () => {
    // Article URLs of exactly 500 characters (the longest key the server takes): a teaser list of long slugs.
    const run = Math.random().toString(36).slice(2, 10);
    const keys = Array.from({ length: 50 }, (_, i) => {
      const head = `https://news.example/2026/11/${run}/article-${i}-`;
      return head + 'a-long-slug-for-a-long-headline-'.repeat(20).slice(0, 500 - head.length);
    });
    expect(keys.every((k) => k.length === 500)).to.equal(true);
    await postAs(keys[3], 'one');
    await postAs(keys[3], 'two');
    await postAs(keys[41], 'three');

    let box!: Element;
    const asked = await countRequests(async () => {
      box = await mount(keys);
      await waitUntil(() => shown(box).every((t) => /^\d+ comments?$/.test(t)), 'not every count arrived', { timeout: 4000 });
    });

    const texts = shown(box);
    expect(texts[3]).to.equal('2 comments');
    expect(texts[41]).to.equal('1 comment');
    expect(texts.filter((_, i) => i !== 3 && i !== 41).every((t) => t === '0 comments')).to.equal(true);

    // 50 × 500 characters is ~26 KB of query: several requests, none over the limit, each key asked once.
    expect(asked.length).to.be.greaterThan(1);
    for (const url of asked) expect(url.length, url.slice(0, 120)).to.be.at.most(MAX_URL);
    const sent = asked.flatMap((u) => new URL(u).searchParams.getAll('thread'));
    expect([...sent].sort()).to.deep.equal([...keys].sort());
    // As few requests as fit: in key order, each request but the last could not have taken the next key.
    const first = (u: string) => keys.indexOf(new URL(u).searchParams.get('thread')!);
    const ordered = [...asked].sort((a, b) => first(a) - first(b));
    for (let i = 0; i < ordered.length - 1; i++) {
      const next = new URLSearchParams([['thread', keys[first(ordered[i + 1])]]]).toString();
      expect(ordered[i].length + 1 + next.length, `request ${i + 1} had room for one more key`).to.be.greaterThan(MAX_URL);
    }
  });

  it('keeps 50 short keys in one request', async () => {
    const keys = Array.from({ length: 50 }, (_, i) => `count-test-${Math.random().toString(36).slice(2)}-${i}`);
    let box!: Element;
    const asked = await countRequests(async () => {
      box = await mount(keys);
      await waitUntil(() => shown(box).every((t) => t === '0 comments'), 'not every count arrived', { timeout: 4000 });
    });
    expect(asked).to.have.length(1);
  });
});

describe('civic-comment-count after an outage', () => {
  it('keeps its fallback text while the backend is unreachable and shows the count once the connection returns', async () => {
    const key = `count-outage-${Math.random().toString(36).slice(2)}`;
    await postAs(key, 'one');
    // The network drops only the count requests (a fixture: the backend itself stays real).
    const realFetch = window.fetch;
    let down = true;
    let refused = 0;
    window.fetch = (input, init) => {
      if (down && String(input instanceof Request ? input.url : input).includes('/v1/comments/count')) {
        refused++;
        return Promise.reject(new TypeError('Failed to fetch'));
      }
      return realFetch(input, init);
    };
    try {
      let failed = 0;
      const box = await fixture(html`<p @civic-error=${() => failed++}>
        <civic-comment-count api=${testApi()} site=${site} thread=${key}>Comments</civic-comment-count>
      </p>`);
      const count = box.querySelector<CivicCommentCount>('civic-comment-count')!;
      await waitUntil(() => failed === 1, 'the count never gave up', { timeout: 6000 });
      expect(refused).to.equal(3); // the client's own retries came first
      expect(count.innerText.trim()).to.equal('Comments');
      expect(count.shadowRoot!.querySelector('slot')).to.not.equal(null);

      down = false;
      window.dispatchEvent(new Event('online'));
      await waitUntil(() => count.shadowRoot!.textContent!.trim() === '1 comment', 'the count did not come back', { timeout: 4000 });
      expect(failed).to.equal(1);
    } finally {
      window.fetch = realFetch;
    }
  });
});
