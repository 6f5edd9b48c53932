// The offline outbox (src/core/outbox.ts) in Chromium against the real backend: what it keeps,
// for how long and where, and that a kept write is delivered exactly once, as the same participant.
// "Down" is this page's fetch failing for the backend, as it does when the network is gone.
import { expect, waitUntil } from '@open-wc/testing';
import { ApiClient, ApiError } from '../../src/core/api-client.ts';
import { flush, keep, outboxKey, queue, queued, unavailable, waiting, watch, watchers, type Delivered, type Queued } from '../../src/core/outbox.ts';
import { forgetParticipant, participant, storedParticipant } from '../../src/core/participant.ts';
import type { PollView } from '../../src/widgets/poll/poll.types.ts';
import { adminFetch, escapedErrors, testApi, unreachableApi } from './support.ts';

const realFetch = window.fetch;
/** Paths (or '' for all) of the backend that fail as if the network were gone; POSTs seen, by path. */
let down: string[] = [];
/** A status the backend answers every POST with, as an overloaded or broken server would. */
let failWith = 0;
const posts: string[] = [];
const url = (input: RequestInfo | URL) => (input instanceof Request ? input.url : String(input));
before(() => {
  window.fetch = (input, init) => {
    const u = url(input);
    if (u.startsWith(testApi()) && init?.method === 'POST') posts.push(new URL(u).pathname);
    if (u.startsWith(testApi()) && down.some((p) => new URL(u).pathname.startsWith('/' + p))) return Promise.reject(new TypeError('Failed to fetch'));
    if (u.startsWith(testApi()) && failWith && init?.method === 'POST')
      return Promise.resolve(new Response(JSON.stringify({ error: { code: 'X', message: 'x' } }), { status: failWith, headers: { 'content-type': 'application/json' } }));
    return realFetch(input, init);
  };
});
after(() => {
  window.fetch = realFetch;
});

// Anything the outbox lets escape into the page fails the suite.
const escaped = escapedErrors();
afterEach(() => expect(escaped).to.deep.equal([]));

beforeEach(() => {
  localStorage.clear();
  down = [];
  failWith = 0;
});

let siteId: string;
before(async () => {
  siteId = ((await (await realFetch(`${testApi()}/v1/polls/bike-lanes`)).json()) as PollView).siteId;
});
async function createPoll(fields: Record<string, unknown> = {}) {
  const body = { siteId, question: 'Which day suits the market?', type: 'single', options: ['Saturday', 'Sunday', 'Friday'], allowChange: true, ...fields };
  const { id } = await adminFetch<{ id: string }>('/v1/admin/polls', { method: 'POST', body: JSON.stringify(body) });
  const poll = await (await realFetch(`${testApi()}/v1/polls/${id}`)).json();
  return poll as PollView;
}
const voters = async (id: string) => (await adminFetch<{ voters: number }>(`/v1/admin/polls/${id}/results`)).voters;
const stored = (client: ApiClient): Queued[] => JSON.parse(localStorage.getItem(outboxKey(client)) ?? '[]');
const vote = (poll: PollView, choice: number, key: string = crypto.randomUUID()) => ({
  slot: `poll:${poll.id}`,
  path: `v1/polls/${poll.id}/votes`,
  body: { choices: [poll.options[choice].id] },
  key,
});
const myVote = async (client: ApiClient, poll: PollView) =>
  (await client.get<PollView>(`v1/polls/${poll.id}`, { participant: storedParticipant(client) })).myVote?.choices;

describe('outbox', () => {
  it('keeps a write only when no answer came or the server was unavailable, never after a verdict', () => {
    const client = new ApiClient(unreachableApi() + '/verdicts/');
    const item = (slot: string) => ({ slot, path: 'v1/x', body: {}, key: slot });
    for (const status of [400, 401, 403, 404, 409, 422, 429, 500])
      expect(keep(client, new ApiError(status, 'X'), item(`s${status}`)), `status ${status}`).to.equal(false);
    for (const [status, code] of [[0, 'NETWORK'], [0, 'TIMEOUT'], [502, 'HTTP_502'], [503, 'UNAVAILABLE'], [504, 'HTTP_504']] as const)
      expect(keep(client, new ApiError(status, code), item(`s${status}${code}`)), `${status} ${code}`).to.equal(true);
    expect(stored(client).map((q) => q.slot)).to.deep.equal(['s0NETWORK', 's0TIMEOUT', 's502HTTP_502', 's503UNAVAILABLE', 's504HTTP_504']);
    expect(unavailable(new TypeError('x'))).to.equal(false);
  });

  it('keeps the newest write of a slot, every comment on its own, under a key per backend, only what the write needs', () => {
    const a = new ApiClient(unreachableApi() + '/a/');
    const b = new ApiClient(unreachableApi() + '/b/');
    const down = new ApiError(0, 'NETWORK');
    keep(a, down, { slot: 'poll:p', path: 'v1/polls/p/votes', body: { choices: ['1'] }, key: 'k1' });
    keep(a, down, { slot: 'poll:p', path: 'v1/polls/p/votes', body: { choices: ['2'] }, key: 'k2' });
    keep(a, down, { slot: 'c1', path: 'v1/comments', body: { body: 'one' }, key: 'c1' });
    keep(a, down, { slot: 'c2', path: 'v1/comments', body: { body: 'two' }, key: 'c2' });
    keep(b, down, { slot: 'poll:p', path: 'v1/polls/p/votes', body: { choices: ['3'] }, key: 'k3' });
    // The widgets spell this key out for their cheap check before loading the outbox.
    expect(outboxKey(a)).to.equal(`civic.outbox@${unreachableApi()}/a/`);
    expect(outboxKey(new ApiClient(testApi()))).to.equal(`civic.outbox@${testApi()}/`);
    expect(stored(a).map((q) => q.key).sort()).to.deep.equal(['c1', 'c2', 'k2']);
    expect(stored(b).map((q) => q.key)).to.deep.equal(['k3']);
    // No participant was minted (the server was never reached), and nothing else is kept.
    expect(Object.keys(stored(a)[0]).sort()).to.deep.equal(['at', 'body', 'key', 'path', 'slot']);
  });

  it('forgets writes older than a week, damaged ones, and any path that is not this API’s', () => {
    const client = new ApiClient(unreachableApi() + '/old/');
    const at = Date.now();
    localStorage.setItem(
      outboxKey(client),
      JSON.stringify([
        { slot: 'old', path: 'v1/comments', body: {}, key: 'old', at: at - 8 * 864e5 },
        { slot: 'new', path: 'v1/comments', body: {}, key: 'new', at: at - 6 * 864e5 },
        { slot: 'elsewhere', path: 'https://evil.example/v1/comments', body: {}, key: 'elsewhere', at },
        { slot: 'nobody', path: 'v1/comments', body: null, key: 'nobody', at },
        null,
        'junk',
      ]),
    );
    expect(queued(client, () => true).map((q) => q.key)).to.deep.equal(['new']);
    // Gone from the device too, not only hidden: an old comment's text does not stay in storage.
    expect(stored(client).map((q) => q.key), 'what is left in storage').to.deep.equal(['new']);
    localStorage.setItem(outboxKey(client), JSON.stringify([{ slot: 'old', path: 'v1/comments', body: { body: 'old text' }, key: 'old', at: at - 8 * 864e5 }]));
    expect(queued(client, () => true)).to.deep.equal([]);
    expect(localStorage.getItem(outboxKey(client)), 'nothing left: the key goes').to.equal(null);
    localStorage.setItem(outboxKey(client), '{not json');
    expect(queued(client, () => true)).to.deep.equal([]);
    expect(localStorage.getItem(outboxKey(client))).to.equal(null);
  });

  it('lets go of a widget that left the page (single-page apps), when it next tells or follows', async function () {
    this.timeout(20_000);
    const poll = await createPoll();
    const client = new ApiClient(testApi());
    const gone = document.body.appendChild(document.createElement('div'));
    const heard: Delivered[] = [];
    watch(client, gone, (d) => heard.push(d));
    expect(watchers.has(gone)).to.equal(true);
    gone.remove();
    down = [''];
    keep(client, new ApiError(0, 'NETWORK'), vote(poll, 0));
    down = [];
    await flush(client);
    expect(stored(client)).to.deep.equal([]);
    expect(heard, 'told while off the page').to.deep.equal([]);
    expect(watchers.has(gone), 'kept after it left the page').to.equal(false);
    const later = document.body.appendChild(document.createElement('div'));
    watch(client, later, () => {});
    later.remove();
    watch(client, document.body, () => {});
    expect(watchers.has(later), 'kept after it left the page').to.equal(false);
  });

  it('renews a refused token without forgetting a newer valid one minted meanwhile', async function () {
    this.timeout(20_000);
    const poll = await createPoll();
    const client = new ApiClient(testApi());
    // A token from another server (or a reset secret) went with the queued vote; this tab has since
    // got a valid one (a direct write, another tab).
    localStorage.setItem(outboxKey(client), JSON.stringify([{ ...vote(poll, 1, 'old-token-vote'), participant: 'not-a-token-of-this-server', at: Date.now() }]));
    const valid = await participant(client);
    try {
      expect(storedParticipant(client)).to.equal(valid);
      await flush(client);
      expect(stored(client)).to.deep.equal([]);
      expect(storedParticipant(client), 'the newer valid token was forgotten').to.equal(valid);
      expect(await myVote(client, poll), 'counted as the valid participant').to.deep.equal([poll.options[1].id]);
      expect(await voters(poll.id)).to.equal(1);
    } finally {
      forgetParticipant(client); // the next tests start with no participant (it is kept in memory too)
    }
  });

  it('falls back to the usual error when storage throws (private mode, quota, disabled), and never throws itself', async () => {
    const client = new ApiClient(unreachableApi() + '/nostorage/');
    const { setItem, getItem } = Storage.prototype;
    Storage.prototype.setItem = () => {
      throw new DOMException('quota', 'QuotaExceededError');
    };
    try {
      expect(keep(client, new ApiError(0, 'NETWORK'), { slot: 's', path: 'v1/x', body: {}, key: 'k' })).to.equal(false);
      expect(queue(document.body, client, new ApiError(0, 'NETWORK'), { slot: 's', path: 'v1/x', body: {}, key: 'k' }, () => {})).to.equal(false);
      Storage.prototype.getItem = () => {
        throw new DOMException('denied', 'SecurityError');
      };
      expect(queued(client, () => true)).to.deep.equal([]);
      expect(waiting(document.body, client, () => true, () => {})).to.deep.equal([]);
      await flush(client);
    } finally {
      Object.assign(Storage.prototype, { setItem, getItem });
    }
  });

  it('delivers a kept vote exactly once when the server is back, as a participant minted and stored before the first try', async function () {
    this.timeout(20_000);
    const poll = await createPoll();
    const client = new ApiClient(testApi());
    const heard: Delivered[] = [];
    watch(client, document.body, (d) => heard.push(d));
    down = [''];
    expect(keep(client, new ApiError(0, 'NETWORK'), vote(poll, 1, 'vote-key-1'))).to.equal(true);
    expect(stored(client)[0].participant, 'nothing minted while down').to.equal(undefined);
    await flush(client); // still down: kept
    expect(stored(client).map((q) => q.key)).to.deep.equal(['vote-key-1']);
    // The token can be had, the vote cannot be sent: the token is stored with the item first.
    down = ['v1/polls'];
    await flush(client);
    const [item] = stored(client);
    expect(item.participant, 'the participant is fixed before the first try').to.be.a('string');
    expect(localStorage.getItem(`civic.participant@${testApi()}/`)).to.equal(item.participant);
    expect(await voters(poll.id)).to.equal(0);
    down = [];
    const before = posts.length;
    window.dispatchEvent(new Event('online'));
    await waitUntil(() => !localStorage.getItem(outboxKey(client)), 'the vote was not delivered on `online`', { timeout: 8000 });
    expect(posts.slice(before).filter((p) => p.endsWith('/votes'))).to.have.length(1);
    expect(await voters(poll.id)).to.equal(1);
    expect(await myVote(client, poll)).to.deep.equal([poll.options[1].id]);
    expect(heard.map((d) => [d.item.key, !!d.data, d.error])).to.deep.equal([['vote-key-1', true, undefined]]);
    // Had the answer been lost, sending it again (same key, same participant) counts nothing more.
    await client.post(item.path, item.body, { participant: item.participant, key: item.key });
    expect(await voters(poll.id)).to.equal(1);
  });

  it('keeps a write through 500s and 429s while delivering: it leaves the queue only on an answer or a 4xx verdict', async function () {
    this.timeout(30_000);
    const poll = await createPoll();
    const client = new ApiClient(testApi());
    down = [''];
    keep(client, new ApiError(0, 'NETWORK'), vote(poll, 0, 'kept-through-5xx'));
    down = [];
    for (const status of [500, 503, 429]) {
      failWith = status;
      await flush(client);
      expect(stored(client).map((q) => q.key), `after a ${status}`).to.deep.equal(['kept-through-5xx']);
    }
    failWith = 0;
    await flush(client);
    expect(stored(client)).to.deep.equal([]);
    expect(await voters(poll.id)).to.equal(1);
  });

  it('sends a newer write of a slot after the older one in flight, so the newest counts', async function () {
    this.timeout(20_000);
    const poll = await createPoll();
    const client = new ApiClient(testApi());
    down = [''];
    keep(client, new ApiError(0, 'NETWORK'), vote(poll, 0));
    down = [];
    const sending = flush(client);
    keep(client, null, vote(poll, 2)); // changed while the first is in flight
    await sending;
    await waitUntil(() => !localStorage.getItem(outboxKey(client)), 'the newer vote was not delivered', { timeout: 8000 });
    expect(await myVote(client, poll)).to.deep.equal([poll.options[2].id]);
    expect(await voters(poll.id)).to.equal(1);
  });

  it('drops a write the server refuses and says why; sends each item once however many widgets ask at the same time', async function () {
    this.timeout(20_000);
    const poll = await createPoll();
    const client = new ApiClient(testApi());
    const heard: Delivered[] = [];
    watch(client, document.body, (d) => heard.push(d));
    down = [''];
    keep(client, new ApiError(0, 'NETWORK'), { ...vote(poll, 0), body: { choices: ['no-such-option'] } });
    keep(client, new ApiError(0, 'NETWORK'), { ...vote(poll, 0), slot: 'other', path: `v1/polls/${poll.id}/votes` });
    down = [];
    const before = posts.length;
    await Promise.all([flush(client), flush(client), flush(client)]);
    await waitUntil(() => !localStorage.getItem(outboxKey(client)), 'the queue did not empty', { timeout: 8000 });
    expect(posts.slice(before).filter((p) => p.endsWith('/votes'))).to.have.length(2);
    expect(heard.map((d) => (d.error as ApiError)?.code ?? 'ok')).to.deep.equal(['INVALID_CHOICE', 'ok']);
    expect(await voters(poll.id)).to.equal(1);
  });
});
