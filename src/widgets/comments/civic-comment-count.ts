import { css, html, type PropertyDeclarations } from 'lit';
import type { ApiClient } from '../../core/api-client.ts';
import { CivicElement } from '../../core/civic-element.ts';
import { plural } from '../../core/i18n/index.ts';
import type { CountEvent } from './comments.types.ts';
import { countStrings } from './i18n/count.ts';
import type { CommentsStrings } from './i18n/strings.ts';
import { pageUrl } from '../../core/page-url.ts';

interface Waiter {
  resolve(n: number): void;
  reject(e: unknown): void;
}

/** Counts asked for in one task, per backend and site, go out together: article lists show dozens. */
const batches = new Map<string, Map<string, Waiter[]>>();

function countOf(client: ApiClient, key: string, site = ''): Promise<number> {
  const id = `${client.base} ${site}`;
  let waiting = batches.get(id);
  if (!waiting) {
    batches.set(id, (waiting = new Map()));
    setTimeout(() => flush(client, site, id));
  }
  const list = waiting.get(key) ?? [];
  waiting.set(key, list);
  return new Promise((resolve, reject) => list.push({ resolve, reject }));
}

/** Longest count URL: keys are up to 500 characters, and servers and proxies refuse long URLs (8–16 KB). */
const MAX_URL = 6000;

function flush(client: ApiClient, site: string, id: string) {
  const waiting = batches.get(id)!;
  batches.delete(id);
  const path = (keys: string[]) => {
    const q = new URLSearchParams(keys.map((k) => ['thread', k]));
    if (site) q.set('site', site);
    return `v1/comments/count?${q}`;
  };
  const send = (part: string[]) => {
    const each = (f: (w: Waiter, key: string) => void) => part.forEach((k) => waiting.get(k)!.forEach((w) => f(w, k)));
    client.get<{ counts: Record<string, number> }>(path(part)).then(
      ({ counts }) => each((w, k) => w.resolve(counts[k] ?? 0)),
      (e) => each((w) => w.reject(e)),
    );
  };
  // As few requests as fit: each with at most 50 keys (the server's limit) and MAX_URL characters.
  let part: string[] = [];
  for (const k of waiting.keys()) {
    if (part.length && (part.length >= 50 || client.url(path([...part, k])).length > MAX_URL)) send(part), (part = []);
    part.push(k);
  }
  send(part);
}

/**
 * The number of comments of a thread, as text ("12 comments"), for article lists and teasers.
 * Its own content is shown until the count arrives.
 *
 * @slot - Fallback text, e.g. "Comments", shown while loading or without the count.
 * @tagname civic-comment-count
 * @summary Comment count of a thread.
 */
export class CivicCommentCount extends CivicElement<Pick<CommentsStrings, 'count'>> {
  static styles = [
    CivicElement.styles,
    css`
      :host {
        display: inline;
        min-block-size: 0;
      }
    `,
  ];
  static properties: PropertyDeclarations = { thread: {}, site: {}, count: { state: true } };

  protected readonly pack = countStrings;
  // Its shadow root hides the fallback text ("Comments") until the first render: render at once.
  protected splitFirstTask = false;
  /** The thread's key; default: this page's canonical URL. */
  thread?: string;
  site?: string;
  private count = 0;
  #retryIn = 0;
  #retryTimer?: ReturnType<typeof setTimeout>;

  protected contentKey() {
    return `${this.thread} ${this.site}`;
  }

  // The thread on the same page knows first when its count changes.
  private onCount = (e: Event) => {
    const { thread } = e as CountEvent;
    if (thread.key === (this.thread || pageUrl()) && (!this.site || this.site === thread.siteId)) this.count = thread.commentCount;
  };

  connectedCallback() {
    super.connectedCallback();
    document.addEventListener('civic-comment-count-change', this.onCount);
    addEventListener('online', this.retry);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    document.removeEventListener('civic-comment-count-change', this.onCount);
    removeEventListener('online', this.retry);
    clearTimeout(this.#retryTimer);
  }

  // A count inside a line of text has no retry button: it tries again when the connection
  // returns, and on its own every 30 s, 1, 2, 4 min (then every 5), keeping its fallback text.
  private retry = () => this.failure && this.reload();

  protected fail(e: unknown) {
    super.fail(e);
    clearTimeout(this.#retryTimer);
    this.#retryIn = Math.min(300_000, this.#retryIn * 2 || 30_000);
    this.#retryTimer = setTimeout(this.retry, this.#retryIn);
  }

  protected async fetchContent() {
    this.count = await countOf(this.client, this.thread || pageUrl(), this.site);
    this.#retryIn = 0;
  }

  protected renderContent() {
    return html`${plural(this.s.count, this.count, this.locale)}`;
  }

  // Inline text, no box: a count sits inside a line of the host page. Until it arrives (or if it
  // cannot), the element's own text shows, e.g. `<civic-comment-count>Comments</civic-comment-count>`.
  protected render() {
    return this.loaded ? this.renderContent() : html`<slot></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-comment-count': CivicCommentCount;
  }
}
