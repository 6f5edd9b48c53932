/** A refused or failed console request, carrying the server's error code and, for 429, when to retry. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Seconds, from Retry-After (429). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * fetch for the admin API. Same-origin with the session cookie (`credentials: 'same-origin'`);
 * every unsafe request carries the session's CSRF token. `base` is '' in production (the console is
 * served by the API's own server); tests point it at a same-origin proxy.
 */
export class AdminApi {
  csrfToken = '';
  /** Called when the server says the session is gone, so the app can show the sign-in screen. */
  onUnauthorized?: () => void;

  constructor(readonly base = '') {}

  url(path: string) {
    return this.base + path;
  }

  /** `opts.contentType`: `body` is a string sent as it is (an imported file), not JSON. */
  async request<T>(method: string, path: string, body?: unknown, opts: { quiet401?: boolean; retried?: boolean; contentType?: string } = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
    if (UNSAFE.has(method) && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    let res: Response;
    try {
      res = await fetch(this.url(path), {
        method,
        headers,
        body: body === undefined ? undefined : opts.contentType ? String(body) : JSON.stringify(body),
        credentials: 'same-origin',
      });
    } catch {
      throw new AdminApiError(0, 'NETWORK', 'The server could not be reached.');
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let data: unknown = undefined;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (!res.ok) {
      const err = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
      const retry = Number(res.headers.get('retry-after'));
      if (res.status === 401 && !opts.quiet401) this.onUnauthorized?.();
      // A sign-in in another tab replaces the session and its token: fetch the current one, try once more.
      if (res.status === 403 && err?.code === 'CSRF' && !opts.retried && (await this.refreshCsrf()))
        return this.request<T>(method, path, body, { ...opts, retried: true });
      throw new AdminApiError(
        res.status,
        err?.code ?? 'HTTP_' + res.status,
        err?.message ?? res.statusText,
        err?.details,
        Number.isFinite(retry) && retry > 0 ? retry : undefined,
      );
    }
    return data as T;
  }

  private async refreshCsrf(): Promise<boolean> {
    const res = await fetch(this.url('/v1/admin/session'), { credentials: 'same-origin', headers: { accept: 'application/json' } }).catch(() => null);
    if (!res?.ok) return false;
    const token = ((await res.json()) as { csrfToken?: string }).csrfToken;
    if (!token || token === this.csrfToken) return false;
    this.csrfToken = token;
    return true;
  }

  get = <T>(path: string) => this.request<T>('GET', path);
  post = <T>(path: string, body?: unknown) => this.request<T>('POST', path, body);
  put = <T>(path: string, body?: unknown) => this.request<T>('PUT', path, body);
  patch = <T>(path: string, body?: unknown) => this.request<T>('PATCH', path, body);
  del = <T>(path: string) => this.request<T>('DELETE', path);
}
