// The API client's failure handling, against a fixture that fails on demand (test/widgets/fixtures).
import { expect } from '@open-wc/testing';
import { ApiClient, ApiError, errorMessage, loadErrors } from '../../src/core/api-client.ts';
import { en } from '../../src/core/i18n/en.ts';
import { unreachableApi } from './support.ts';

const client = new ApiClient(location.origin);
const unique = () => Math.random().toString(36).slice(2);
const failure = (p: Promise<unknown>) => p.then(() => expect.fail('expected a failure'), (e: ApiError) => e);

describe('ApiClient', () => {
  it('retries a write after server faults with the same Idempotency-Key, so it counts once', async () => {
    const { keys } = await client.post<{ keys: string[] }>(`__flaky/${unique()}?fail=2`, { choice: 'a' });
    expect(keys).to.have.length(3);
    expect(new Set(keys).size).to.equal(1);
    expect(keys[0]).to.match(/^[0-9a-f-]{36}$/);
  });

  it('gives up after three attempts with a typed error', async function () {
    this.timeout(8000);
    const name = unique();
    const e = await failure(client.post(`__flaky/${name}?fail=5&status=503`, {}));
    expect(e).to.be.instanceOf(ApiError);
    expect([e.status, e.code]).to.deep.equal([503, 'UNAVAILABLE']);
    const { keys } = await client.get<{ keys: string[] }>(`__flaky/${name}?fail=0`);
    expect(keys).to.have.length(4); // three attempts, then this check
  });

  it('never retries a verdict (4xx): the answer would not change', async () => {
    const name = unique();
    const e = await failure(client.post(`__flaky/${name}?fail=1&status=422&code=INVALID_CHOICE`, {}));
    expect([e.status, e.code]).to.deep.equal([422, 'INVALID_CHOICE']);
    const { keys } = await client.get<{ keys: string[] }>(`__flaky/${name}`);
    expect(keys).to.have.length(2);
  });

  it('waits as long as Retry-After says when rate limited', async () => {
    const started = performance.now();
    await client.get(`__flaky/${unique()}?fail=1&status=429&code=RATE_LIMITED&after=1`);
    expect(performance.now() - started).to.be.within(950, 2500);
  });

  it('times out a call that does not answer, as TIMEOUT', async function () {
    this.timeout(8000);
    const e = await failure(new ApiClient(location.origin, 200).get('__flaky/slow'));
    expect(e.code).to.equal('TIMEOUT');
  });

  it('reports an unreachable server as NETWORK', async () => {
    const e = await failure(new ApiClient(unreachableApi()).get('v1/polls/x'));
    expect([e.status, e.code]).to.deep.equal([0, 'NETWORK']);
  });

  it('turns codes into the resident-facing message, never the server text', async () => {
    const e = await failure(client.get(`__flaky/${unique()}?fail=1&status=404&code=NOT_FOUND`));
    // Until the lazy error texts arrive, English says the generic text; then the precise one.
    expect(errorMessage(en, e)).to.equal(en.errors.server);
    await loadErrors();
    expect(errorMessage(en, e)).to.equal('This content could not be found. It may have been removed.');
    expect(errorMessage(en, new ApiError(403, 'POLL_CLOSED'))).to.equal('This poll is closed.');
    expect(errorMessage(en, new ApiError(500, 'SOMETHING_NEW', 'stack trace…'))).to.equal(en.errors.server);
    expect(e.message).to.not.equal(errorMessage(en, e));
  });
});
