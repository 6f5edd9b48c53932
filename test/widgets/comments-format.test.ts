// The comment text formatter: structure from plain text, and every hostile payload stays text.
import { expect } from '@open-wc/testing';
import { render } from 'lit';
import { parse, renderText } from '../../src/widgets/comments/format.ts';
import { pageThreadKey } from '../../src/widgets/comments/thread-key.ts';
import { XSS_PAYLOADS } from '../fixtures/xss-payloads.ts';

const ALLOWED = new Set(['P', 'BR', 'A', 'EM', 'STRONG']);

function mount(text: string) {
  const box = document.createElement('div');
  document.body.append(box);
  render(renderText(text), box);
  return box;
}

describe('comment text', () => {
  it('makes paragraphs, line breaks, emphasis and links from plain text', () => {
    const box = mount('First line\nsecond *soft* and **strong**\n\nSee https://riverton.example/plan, or www.riverton.example.');
    const ps = box.querySelectorAll('p');
    expect(ps).to.have.length(2);
    expect(ps[0].querySelectorAll('br')).to.have.length(1);
    expect(ps[0].querySelector('em')!.textContent).to.equal('soft');
    expect(ps[0].querySelector('strong')!.textContent).to.equal('strong');
    const links = [...box.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal(['https://riverton.example/plan', 'https://www.riverton.example']);
    expect(links.every((a) => a.rel === 'nofollow ugc noopener')).to.equal(true);
    expect(ps[1].textContent).to.equal('See https://riverton.example/plan, or www.riverton.example.');
    box.remove();
  });

  it('keeps snake_case and lone asterisks as they are', () => {
    expect(parse('a snake_case_name and 2 * 3 * 4')).to.deep.equal([[['a snake_case_name and 2 * 3 * 4']]]);
  });

  it('keeps a closing parenthesis that belongs to the link', () => {
    const [[[, link]]] = parse('see https://en.wikipedia.org/wiki/Bike_(disambiguation)') as [[[string, { href: string }]]];
    expect(link.href).to.equal('https://en.wikipedia.org/wiki/Bike_(disambiguation)');
  });

  it(`renders ${XSS_PAYLOADS.length} hostile payloads as text: no element beyond p/br/a/em/strong, no script runs`, async () => {
    const w = window as unknown as { __xss?: number };
    delete w.__xss;
    for (const payload of XSS_PAYLOADS) {
      const box = mount(payload);
      const foreign = [...box.querySelectorAll('*')].filter((el) => !ALLOWED.has(el.tagName));
      expect(foreign.map((el) => el.tagName), payload).to.deep.equal([]);
      for (const a of box.querySelectorAll('a')) expect(new URL(a.href).protocol, payload).to.match(/^https?:$/);
      // Every visible character of the payload is there as text (marks like ** aside).
      const bare = (s: string) => s.replace(/[*_\s]/g, '');
      expect(bare(box.textContent!), payload).to.contain(bare(payload).slice(1, 12));
      box.remove();
    }
    await new Promise((r) => setTimeout(r, 100)); // give any onerror/onload a chance to fire
    expect(w.__xss).to.equal(undefined);
  });

  it('takes the thread key from the canonical link, without query or fragment', () => {
    const doc = document.implementation.createHTMLDocument('x');
    const link = doc.createElement('link');
    link.rel = 'canonical';
    link.href = 'https://riverton.example/news/bike-lanes?utm_source=x#comments';
    doc.head.append(link);
    expect(pageThreadKey(doc)).to.equal('https://riverton.example/news/bike-lanes');
    expect(pageThreadKey(document)).to.equal(location.origin + location.pathname);
  });
});
