// The outbox (src/core/outbox.ts) is a lazy chunk. A widget whose writes may wait on the device
// fetches it when the resident starts to use it, so that a vote still waits when the resident's
// own connection (not only the backend) is gone by the time they send it. A fresh page per file:
// nothing has loaded the chunk before this test.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/widgets/poll/define.ts';
import type { CivicPoll } from '../../src/widgets/poll/civic-poll.ts';
import { testApi } from './support.ts';

const outboxFetched = () => performance.getEntriesByType('resource').some((e) => /\/core\/outbox\.ts/.test(e.name));

describe('outbox prefetch', () => {
  it('is not loaded with the poll, and is loaded once the resident focuses it', async () => {
    const el = await fixture<CivicPoll>(html`<civic-poll api=${testApi()} poll="bike-lanes"></civic-poll>`);
    await waitUntil(() => el.shadowRoot!.querySelector('input'), 'the poll never showed its options', { timeout: 8000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(outboxFetched(), 'loaded before anyone used the poll').to.equal(false);

    el.shadowRoot!.querySelector<HTMLInputElement>('input')!.focus();
    await waitUntil(outboxFetched, 'focusing the poll did not fetch the outbox', { timeout: 4000 });
  });
});
