// Proves the widget test harness itself: real backend reachable across origins, admin helper,
// the test page's origin allow-listed for writes, legacy decorators compiled, axe wired.
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { adminFetch, testApi, unreachableApi } from './support.ts';

interface PollView {
  id: string;
  siteId: string;
  options: { id: string; label: string }[];
  status: string;
}

@customElement('harness-greeting')
class HarnessGreeting extends LitElement {
  @property({ attribute: 'who-to-greet' }) who = 'nobody';
  override render() {
    return html`<p>Hello ${this.who}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'harness-greeting': HarnessGreeting;
  }
}

describe('widget test harness', () => {
  it('reaches the real backend across origins (CORS) with the seeded poll bike-lanes', async () => {
    expect(new URL(testApi()).origin).not.to.equal(location.origin);
    const health = await fetch(`${testApi()}/health`, { mode: 'no-cors' });
    expect(health.type).to.equal('opaque'); // answered; reading it cross-origin is not the point
    const res = await fetch(`${testApi()}/v1/polls/bike-lanes`);
    expect(res.status).to.equal(200);
    const poll = (await res.json()) as PollView;
    expect(poll.id).to.equal('bike-lanes');
    expect(poll.options.length).to.be.greaterThan(1);
  });

  it('creates a poll through adminFetch and votes on it from the test page origin', async () => {
    const seeded = (await (await fetch(`${testApi()}/v1/polls/bike-lanes`)).json()) as PollView;
    const created = await adminFetch<{ id: string }>('/v1/admin/polls', {
      method: 'POST',
      body: JSON.stringify({ siteId: seeded.siteId, question: 'Harness?', type: 'single', options: ['Yes', 'No'] }),
    });
    const poll = (await (await fetch(`${testApi()}/v1/polls/${created.id}`)).json()) as PollView;
    expect(poll.status).to.equal('open');

    const participant = await fetch(`${testApi()}/v1/participants`, { method: 'POST' });
    expect(participant.status).to.equal(201);
    const { token } = (await participant.json()) as { token: string };
    const vote = await fetch(`${testApi()}/v1/polls/${poll.id}/votes`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Participant ${token}`,
        'Idempotency-Key': crypto.randomUUID(),
      },
      body: JSON.stringify({ choices: [poll.options[0].id] }),
    });
    expect(vote.status, await vote.clone().text()).to.equal(200);
  });

  it('offers an address where nothing listens, for error states', async () => {
    let error: unknown;
    try {
      await fetch(`${unreachableApi()}/v1/polls/bike-lanes`);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(TypeError);
  });

  it('compiles legacy decorators (@customElement, @property with attribute)', async () => {
    const el = await fixture<HarnessGreeting>(html`<harness-greeting who-to-greet="Riverton"></harness-greeting>`);
    expect(el).to.be.instanceOf(HarnessGreeting);
    expect(el.who).to.equal('Riverton');
    expect(el.shadowRoot?.textContent).to.contain('Hello Riverton');
  });

  it('runs axe: accessible markup passes, an unlabelled image fails', async () => {
    await expect(await fixture(html`<button>ok</button>`)).to.be.accessible();
    await expect(await fixture(html`<div><img src="data:," /></div>`)).not.to.be.accessible();
  });
});
