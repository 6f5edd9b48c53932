import type { Translation } from './i18n/translation.ts';

/** A failed call, typed by the server's error code (or NETWORK / TIMEOUT when no answer came). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message = code,
  ) {
    super(message);
  }
}

/** Server codes → the key of the resident-facing message. Raw server text is never shown. */
const messageKey: Record<string, keyof Translation['errors']> = {
  NETWORK: 'network',
  TIMEOUT: 'timeout',
  NOT_FOUND: 'notFound',
  POLL_NOT_OPEN: 'notOpen',
  POLL_CLOSED: 'closed',
  ALREADY_VOTED: 'alreadyVoted',
  INVALID_CHOICE: 'invalid',
  BAD_REQUEST: 'invalid',
  BAD_JSON: 'invalid',
  PAYLOAD_TOO_LARGE: 'tooLarge',
  PARTICIPANT_REQUIRED: 'session',
  PARTICIPANT_INVALID: 'session',
  IDENTITY_REQUIRED: 'identity',
  IDENTITY_INVALID: 'identity',
  ORIGIN_NOT_ALLOWED: 'origin',
  RATE_LIMITED: 'rateLimited',
  BANNED_WORD: 'bannedWord',
  THREAD_CLOSED: 'threadClosed',
  BANNED: 'banned',
  DAILY_LIMIT: 'dailyLimit',
  TOO_LONG: 'tooLong',
  EDIT_WINDOW_OVER: 'editWindowOver',
  NOT_AUTHOR: 'editWindowOver',
  NOT_EDITABLE: 'editWindowOver',
  INVALID_NAME: 'invalid',
  EMPTY: 'invalid',
  SPAM: 'invalid',
  DETAILS_REQUIRED: 'invalid',
  NOT_PUBLISHED: 'invalid',
  PARENT_UNAVAILABLE: 'notFound',
  THREAD_NOT_FOUND: 'notFound',
};

export const errorMessage = (t: Translation, e: unknown) =>
  t.errors[messageKey[(e as ApiError)?.code] ?? 'server'];

export interface RequestOptions {
  body?: unknown;
  participant?: string;
  identity?: string;
  /** Sent as Idempotency-Key; every write has one, so retrying it is safe. */
  key?: string;
  signal?: AbortSignal;
}

const TIMEOUT_MS = 10_000;
const ATTEMPTS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Worth another try: no answer, a timeout, overload or a server fault. Never a 4xx verdict. */
const transient = (e: ApiError) => e.status === 0 || e.status === 429 || e.status >= 500;

export class ApiClient {
  constructor(
    readonly base: string,
    private readonly timeoutMs = TIMEOUT_MS,
  ) {}

  get<T>(path: string, opts: RequestOptions = {}) {
    return this.request<T>('GET', path, opts);
  }

  post<T>(path: string, body: unknown, opts: RequestOptions = {}) {
    return this.request<T>('POST', path, { ...opts, body, key: opts.key ?? crypto.randomUUID() });
  }

  url(path: string) {
    return new URL(path, this.base.replace(/\/?$/, '/')).href;
  }

  async request<T>(method: string, path: string, opts: RequestOptions): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(method, path, opts);
      } catch (e) {
        const err = e as ApiError;
        if (attempt >= ATTEMPTS || !transient(err) || opts.signal?.aborted) throw err;
        // Exponential backoff with jitter, or the server's Retry-After when it gave one.
        await sleep((err as ApiError & { retryAfter?: number }).retryAfter ?? 2 ** attempt * 250 * (0.5 + Math.random()));
      }
    }
  }

  private async once<T>(method: string, path: string, opts: RequestOptions): Promise<T> {
    const headers: Record<string, string> = {};
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.participant) headers.authorization = `Participant ${opts.participant}`;
    if (opts.identity) headers['x-civic-identity'] = opts.identity;
    if (opts.key) headers['idempotency-key'] = opts.key;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let res: Response;
    try {
      res = await fetch(this.url(path), {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout,
        credentials: 'omit',
      });
    } catch {
      throw new ApiError(0, timeout.aborted ? 'TIMEOUT' : 'NETWORK');
    }
    const data = await res.json().catch(() => null);
    if (res.ok) return data as T;
    const err = new ApiError(res.status, data?.error?.code ?? 'HTTP_' + res.status, data?.error?.message);
    const after = Number(res.headers.get('retry-after'));
    if (after) Object.assign(err, { retryAfter: Math.min(after, 10) * 1000 });
    throw err;
  }
}
