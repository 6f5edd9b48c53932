import type { Translation } from './i18n/translation.ts';
import { en } from './i18n/en.ts';

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

/** The code → message table (core/errors.ts), once loaded; until then a code maps by its own name. */
let messageKey: Record<string, keyof Translation['errors']> = {};

/**
 * Error texts are needed only once something failed, so they are a lazy chunk, fetched while the
 * content loads (CivicElement.reload). Until it has arrived, English falls back to its generic texts.
 */
export const loadErrors = () =>
  import('./errors.ts').then((m) => {
    messageKey = m.messageKey;
    Object.assign(en.errors, m.enErrors);
  });

export const errorMessage = (t: Translation, e: unknown) => {
  const code = String((e as ApiError)?.code);
  const key = messageKey[code] ?? code.toLowerCase().replace(/_(.)/g, (_, c: string) => c.toUpperCase());
  return t.errors[Object.hasOwn(t.errors, key) ? (key as keyof Translation['errors']) : 'server'];
};

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
  readonly #timeoutMs: number;

  constructor(
    readonly base: string,
    timeoutMs = TIMEOUT_MS,
  ) {
    this.#timeoutMs = timeoutMs;
  }

  get<T>(path: string, opts: RequestOptions = {}) {
    return this.request<T>('GET', path, opts);
  }

  post<T>(path: string, body: unknown, opts: RequestOptions = {}) {
    return this.request<T>('POST', path, { ...opts, body, key: opts.key ?? crypto.randomUUID() });
  }

  url(path: string) {
    return new URL(path, this.base.replace(/\/?$/, '/')).href;
  }

  /** Where writes wait on the device for this backend (core/outbox.ts). */
  get outboxKey() {
    return 'civic.outbox@' + this.url('');
  }

  /** Whether writes wait on the device for this backend: a cheap check before loading the outbox. */
  get hasOutbox() {
    try {
      return !!localStorage.getItem(this.outboxKey);
    } catch {
      return false;
    }
  }

  /** The outbox, a lazy chunk: loaded when a write failed, or when `hasOutbox`. */
  outbox() {
    return import('./outbox.ts');
  }

  async request<T>(method: string, path: string, opts: RequestOptions): Promise<T> {
    const headers: Record<string, string> = {};
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.participant) headers.authorization = `Participant ${opts.participant}`;
    if (opts.identity) headers['x-civic-identity'] = opts.identity;
    if (opts.key) headers['idempotency-key'] = opts.key;
    for (let attempt = 1; ; attempt++) {
      const timeout = AbortSignal.timeout(this.#timeoutMs);
      let err: ApiError & { retryAfter?: number };
      try {
        const res = await fetch(this.url(path), {
          method,
          headers,
          body: JSON.stringify(opts.body), // undefined stays undefined
          signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout,
          credentials: 'omit',
        });
        const data = await res.json().catch(() => null);
        if (res.ok) return data as T;
        err = new ApiError(res.status, data?.error?.code ?? 'HTTP_' + res.status, data?.error?.message);
        const after = Number(res.headers.get('retry-after'));
        if (after) err.retryAfter = Math.min(after, 10) * 1000;
      } catch {
        err = new ApiError(0, timeout.aborted ? 'TIMEOUT' : 'NETWORK');
      }
      if (attempt >= ATTEMPTS || !transient(err) || opts.signal?.aborted) throw err;
      // Exponential backoff with jitter, or the server's Retry-After when it gave one.
      await sleep(err.retryAfter ?? 2 ** attempt * 250 * (0.5 + Math.random()));
    }
  }
}
