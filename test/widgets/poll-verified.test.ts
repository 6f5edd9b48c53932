// "Verified residents only": the host page hands over its own signed login token.
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/widgets/poll/define.ts';
import type { CivicPoll } from '../../src/widgets/poll/civic-poll.ts';
import { adminFetch, testApi } from './support.ts';

const secret = 'riverton-login-shared-secret-for-tests';
const issuer = 'https://login.riverton.test';

const b64url = (bytes: Uint8Array | string) =>
  btoa(typeof bytes === 'string' ? bytes : String.fromCharCode(...bytes))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');

/** An HS256 JWT, as the host site's login system would issue it. */
async function loginToken(sub: string, key = secret) {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify({ sub, iss: issuer, iat: now, exp: now + 600 }))}`;
  const k = await crypto.subtle.importKey('raw', new TextEncoder().encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return `${input}.${b64url(new Uint8Array(await crypto.subtle.sign('HMAC', k, new TextEncoder().encode(input))))}`;
}

const $ = (el: CivicPoll, sel: string) => el.shadowRoot!.querySelector<HTMLElement>(sel);

let siteId: string;
before(async () => {
  siteId = (
    await adminFetch<{ id: string }>('/v1/admin/sites', {
      method: 'POST',
      body: JSON.stringify({ name: 'Verified site', origins: [location.origin], identity: { secret, issuer } }),
    })
  ).id;
});

async function mountVerifiedPoll(setup: (el: CivicPoll) => void = () => {}) {
  const { id } = await adminFetch<{ id: string }>('/v1/admin/polls', {
    method: 'POST',
    body: JSON.stringify({ siteId, question: 'Residents only?', type: 'single', options: ['Yes', 'No'], verifiedOnly: true }),
  });
  const el = await fixture<CivicPoll>(html`<civic-poll api=${testApi()} poll=${id}></civic-poll>`);
  setup(el);
  await waitUntil(() => $(el, 'form'), 'poll did not load');
  return el;
}

async function submitFirstOption(el: CivicPoll) {
  $(el, 'input')!.click();
  await el.updateComplete;
  $(el, '[part=submit]')!.click();
}

describe('civic-poll: verified residents only', () => {
  it('tells residents up front and refuses a vote without a login token, kindly', async () => {
    const el = await mountVerifiedPoll();
    expect(el.shadowRoot!.textContent).to.contain('Only verified residents can vote in this poll.');
    await submitFirstOption(el);
    await waitUntil(() => $(el, '[part=error]'), 'no error shown');
    expect($(el, '[part=error] p')!.textContent).to.contain('Please sign in on this site first');
    await expect(el).to.be.accessible();
  });

  it('votes with the token given by the identity-token attribute', async () => {
    const token = await loginToken('resident-1');
    const el = await mountVerifiedPoll((e) => e.setAttribute('identity-token', token));
    const counted = oneEvent(el, 'civic-vote');
    await submitFirstOption(el);
    await counted;
  });

  it('votes with a token from an async getIdentityToken callback', async () => {
    let asked = 0;
    const el = await mountVerifiedPoll((e) => {
      e.getIdentityToken = async () => (asked++, loginToken('resident-2'));
    });
    const counted = oneEvent(el, 'civic-vote');
    await submitFirstOption(el);
    await counted;
    expect(asked).to.equal(1);
  });

  it('refuses a token signed with the wrong key', async () => {
    const forged = await loginToken('resident-3', 'not-the-site-secret-at-all-000');
    const el = await mountVerifiedPoll((e) => (e.identityToken = forged));
    await submitFirstOption(el);
    await waitUntil(() => $(el, '[part=error]'), 'a forged token was not refused');
    expect($(el, '[part=error] p')!.textContent).to.contain('Only verified residents can take part');
  });
});
