import { css, html, type PropertyDeclarations } from 'lit';
import type { ApiClient } from '../../core/api-client.ts';
import { CivicElement } from '../../core/civic-element.ts';
import { plural } from '../../core/i18n/index.ts';
import type { CountEvent } from './comments.types.ts';
import { commentsStrings, type CommentsStrings } from './i18n/index.ts';
import { pageThreadKey } from './thread-key.ts';

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

function flush(client: ApiClient, site: string, id: string) {
  const waiting = batches.get(id)!;
  batches.delete(id);
  const keys = [...waiting.keys()];
  for (let i = 0; i < keys.length; i += 50) {
    const part = keys.slice(i, i + 50);
    const q = new URLSearchParams(part.map((k) => ['thread', k]));
    if (site) q.set('site', site);
    const each = (f: (w: Waiter, key: string) => void) => part.forEach((k) => waiting.get(k)!.forEach((w) => f(w, k)));
    client.get<{ counts: Record<string, number> }>(`v1/comments/count?${q}`).then(
      ({ counts }) => each((w, k) => w.resolve(counts[k] ?? 0)),
      (e) => each((w) => w.reject(e)),
    );
  }
}

/**
 * The number of comments of a thread, as text ("12 comments"), for article lists and teasers.
 * Its own content is shown until the count arrives.
 *
 * @slot - Fallback text, e.g. "Comments", shown while loading or without the count.
 * @tagname civic-comment-count
 * @summary Comment count of a thread.
 */
export class CivicCommentCount extends CivicElement<CommentsStrings> {
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

  protected readonly pack = commentsStrings;
  /** The thread's key; default: this page's canonical URL. */
  thread?: string;
  site?: string;
  private count = 0;

  protected contentKey() {
    return `${this.thread} ${this.site}`;
  }

  // The thread on the same page knows first when its count changes.
  private onCount = (e: Event) => {
    const { thread } = e as CountEvent;
    if (thread.key === (this.thread || pageThreadKey()) && (!this.site || this.site === thread.siteId)) this.count = thread.commentCount;
  };

  connectedCallback() {
    super.connectedCallback();
    document.addEventListener('civic-comment-count-change', this.onCount);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    document.removeEventListener('civic-comment-count-change', this.onCount);
  }

  protected async fetchContent() {
    this.count = await countOf(this.client, this.thread || pageThreadKey(), this.site);
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
