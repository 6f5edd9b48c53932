// The one script tag: finds widgets now and later, upgrades CMS-safe divs, and never throws twice.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { define } from '../../src/core/define.ts';
import { pageDefaults } from '../../src/core/page-defaults.ts';
import { testApi } from './support.ts';

const shadowText = (el: Element | null) => el?.shadowRoot?.textContent ?? '';

describe('loader (civic.js)', () => {
  before(async () => {
    await import('../../src/loader.ts');
  });

  it('takes the script origin as the page default backend when no data-api is given', () => {
    expect(pageDefaults().api).to.equal(location.origin);
  });

  it('upgrades <div data-civic="poll"> into a <civic-poll> carrying its data-* settings', async () => {
    const div = await fixture(
      html`<div data-civic="poll" data-poll="bike-lanes" data-api=${testApi()} data-heading-level="3"></div>`,
    );
    await waitUntil(() => div.querySelector('civic-poll'), 'the div was not upgraded');
    const el = div.querySelector('civic-poll')!;
    expect(el.getAttribute('poll')).to.equal('bike-lanes');
    expect(el.getAttribute('heading-level')).to.equal('3');
    await waitUntil(() => customElements.get('civic-poll'), 'civic-poll never defined');
    await waitUntil(() => el.shadowRoot?.querySelector('[part=question]'), 'the upgraded poll never loaded');
    expect(el.shadowRoot!.querySelector('[role=heading]')!.getAttribute('aria-level')).to.equal('3');
  });

  it('picks up widgets added later, as single-page apps do', async () => {
    const host = await fixture(html`<section></section>`);
    await new Promise((r) => setTimeout(r, 50));
    host.innerHTML = `<civic-poll api="${testApi()}" poll="library-hours"></civic-poll>`;
    const el = host.querySelector('civic-poll');
    await waitUntil(() => /closed/i.test(shadowText(el)), 'a late widget was not loaded');
  });

  it('reserves the height of widgets whose code has not arrived yet, with a CSP-safe constructed sheet', () => {
    const rules = document.adoptedStyleSheets.flatMap((sheet) => [...sheet.cssRules].map((r) => r.cssText));
    expect(rules.some((r) => r.includes('civic-poll') && r.includes(':not(:defined)') && r.includes('20rem'))).to.equal(true);
  });

  it('leaves divs for unknown widgets alone', async () => {
    const div = await fixture(html`<div data-civic="no-such-widget"></div>`);
    await new Promise((r) => setTimeout(r, 50));
    expect(div.children).to.have.length(0);
  });

  it('is safe to include twice: the guard is set and a second define only warns', async () => {
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('civic-widgets.loader')]).to.equal(1);
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...a: unknown[]) => warnings.push(a);
    try {
      await waitUntil(() => customElements.get('civic-poll'));
      expect(() => define('civic-poll', class extends HTMLElement {})).not.to.throw();
    } finally {
      console.warn = warn;
    }
    expect(String(warnings[0]?.[0])).to.contain('<civic-poll> is already defined');
  });
});
