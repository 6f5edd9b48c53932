import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { ApiError } from '../../core/api-client.ts';
import { CivicElement } from '../../core/civic-element.ts';
import { plural } from '../../core/i18n/index.ts';
import { LiveUpdates } from '../../core/live.ts';
import { forgetParticipant, participant, rememberParticipant, storedParticipant } from '../../core/participant.ts';
import { CommentForm, type CommentFields } from './comment-form.ts';
import { renderComment, type ItemContext } from './comment-item.ts';
import { commentsStyles } from './civic-comments.styles.ts';
import { CountEvent, type CommentView, type CommentsPage, type PostResponse, type ReportReason, type Sort, type ThreadView } from './comments.types.ts';
import { commentsStrings, type CommentsStrings } from './i18n/index.ts';
import { pageThreadKey } from './thread-key.ts';

/** Fired after the server accepted a comment (published or held for review). */
export class CivicCommentEvent extends Event {
  constructor(readonly comment: CommentView) {
    super('civic-comment', { bubbles: true, composed: true });
  }
}

const NAME_KEY = 'civic.name';
type Kind = NonNullable<ItemContext['open']>['kind'];

/** Visits every comment of a tree, replies included. */
function* all(list: CommentView[]): Generator<CommentView> {
  for (const c of list) yield c, yield* all(c.replies);
}

/**
 * A moderated comment thread: nested replies, votes, reports, live arrivals that never move what
 * the reader is reading.
 *
 * @tagname civic-comments
 * @summary Moderated public discussion under any page.
 * @event civic-comment - CivicCommentEvent, after the server accepted a comment.
 * @event civic-error - CivicErrorEvent, when the thread cannot be shown.
 * @csspart base - The widget's box.
 * @csspart comment - One comment (an article).
 * @csspart form - A comment form.
 * @csspart error - An error message with its retry button.
 * @cssproperty --civic-color-accent - Buttons and focus rings.
 * @cssproperty --civic-min-block-size - Height reserved while loading.
 */
export class CivicComments extends CivicElement<CommentsStrings> {
  static styles = [CivicElement.styles, commentsStyles];
  static properties: PropertyDeclarations = {
    thread: {},
    site: {},
    sort: {},
    headingLevel: { attribute: 'heading-level', type: Number },
    data: { state: true },
    fresh: { state: true },
    open: { state: true },
    reported: { state: true },
  };

  protected readonly pack = commentsStrings;
  /** The thread's key; default: the page's canonical URL without query or fragment. */
  thread?: string;
  /** The site the thread belongs to; default: the one whose allowed origins include this page. */
  site?: string;
  /** `newest` (default), `oldest` or `top`. */
  sort: Sort = 'newest';
  headingLevel = 2;

  private data?: CommentsPage;
  /** Live arrivals held back until the reader asks for them, so nothing moves under their eyes. */
  private fresh: CommentView[] = [];
  private open?: ItemContext['open'];
  private reported = new Set<string>();
  private opener?: HTMLElement;
  private skew = 0;
  /** Server time of the first page: the polling fallback announces only what came after it. */
  private since = '';
  private live = new LiveUpdates<CommentView>(
    this,
    (c, event) => this.arrived(c, event),
    () => this.checkNew().catch(() => {}),
    ['comment', 'update'],
  );

  private get key() {
    return this.thread || pageThreadKey();
  }

  private query(extra: Record<string, string> = {}) {
    const q = new URLSearchParams({ thread: this.key, ...(this.site ? { site: this.site } : {}), ...extra });
    return q.toString();
  }

  protected contentKey() {
    return `${this.key} ${this.site} ${this.sort}`;
  }

  protected async fetchContent() {
    const page = await this.client.get<CommentsPage>(`v1/comments?${this.query({ sort: this.sort })}`, {
      participant: storedParticipant(this.client),
    });
    this.skew = Date.parse(page.serverTime) - Date.now();
    this.since = page.serverTime;
    this.data = page;
    this.fresh = [];
    this.live.follow(this.client.url(`v1/comments/live?${this.query()}`));
  }

  private async loadMore() {
    const d = this.data!;
    const page = await this.client.get<CommentsPage>(`v1/comments?${this.query({ sort: this.sort, cursor: d.nextCursor! })}`, {
      participant: storedParticipant(this.client),
    });
    // With `top`, a comment whose score changed can come again on the next page: show it once.
    const have = new Set(d.comments.map((c) => c.id));
    this.data = { ...page, comments: [...d.comments, ...page.comments.filter((c) => !have.has(c.id))] };
  }

  /** Where live updates cannot stream: the newest page again, whatever is new goes behind the bar. */
  private async checkNew() {
    const page = await this.client.get<CommentsPage>(`v1/comments?${this.query({ sort: 'newest' })}`, {
      participant: storedParticipant(this.client),
    });
    for (const c of all(page.comments)) if (c.createdAt > this.since) this.arrived({ ...c, replies: [] }, 'comment');
  }

  /** A live event: our own and known comments update in place; others wait behind the "new" bar. */
  private arrived(c: CommentView, event: string) {
    const d = this.data;
    if (!d) return;
    const known = [...all(d.comments)].find((x) => x.id === c.id);
    if (known) {
      // Approved, hidden or deleted: the count follows what everyone can see.
      const seen = (x: CommentView) => +(x.status === 'published');
      this.recount(seen(c) - seen(known));
      if (!c.body && !known.replies.length && c.status !== 'published') return this.drop(c.id);
      // Live events are the same for every reader: keep what only this reader knows.
      const { mine, myVote, editableUntil, heldReason, held, rejectReason, replies } = known;
      return this.replace({ ...c, mine, myVote, editableUntil, heldReason, held, rejectReason, replies });
    }
    if (event === 'comment' && !this.fresh.some((x) => x.id === c.id)) this.fresh = [...this.fresh, c];
  }

  /** Changes the thread's count, and tells `<civic-comment-count>` elements of the same thread. */
  private recount(by: number, thread?: ThreadView) {
    const d = this.data!;
    const next = thread ?? { ...d.thread, commentCount: d.thread.commentCount + by };
    this.data = { ...d, thread: next };
    if (next.commentCount !== d.thread.commentCount) document.dispatchEvent(new CountEvent(next));
  }

  private showFresh() {
    const d = this.data!;
    let comments = d.comments;
    for (const c of this.fresh) {
      if (!c.parentId) comments = this.sort === 'oldest' ? [...comments, c] : [c, ...comments];
      else comments = this.mapTree(comments, c.parentId, (p) => ({ ...p, replies: [...p.replies, c] }));
    }
    this.data = { ...d, comments };
    this.recount(this.fresh.length);
    this.fresh = [];
  }

  private mapTree(list: CommentView[], id: string, f: (c: CommentView) => CommentView): CommentView[] {
    return list.map((c) => (c.id === id ? f(c) : c.replies.length ? { ...c, replies: this.mapTree(c.replies, id, f) } : c));
  }

  private drop(id: string) {
    const prune = (list: CommentView[]): CommentView[] =>
      list.filter((c) => c.id !== id).map((c) => (c.replies.length ? { ...c, replies: prune(c.replies) } : c));
    this.data = { ...this.data!, comments: prune(this.data!.comments) };
  }

  /** The next replies of a top-level comment: the API sends them flat, each under its parentId. */
  private async moreReplies(top: CommentView) {
    const mine = [...all(top.replies)];
    const after = mine.length ? `?after=${encodeURIComponent(mine[mine.length - 1].id)}` : '';
    const r = await this.client.get<{ replies: CommentView[]; moreReplies: number }>(`v1/comments/${top.id}/replies${after}`, {
      participant: storedParticipant(this.client),
    });
    let comments = this.mapTree(this.data!.comments, top.id, (t) => ({ ...t, moreReplies: r.moreReplies }));
    for (const reply of r.replies) comments = this.mapTree(comments, reply.parentId!, (p) => ({ ...p, replies: [...p.replies, reply] }));
    this.data = { ...this.data!, comments };
  }

  private replace(c: CommentView) {
    this.data = { ...this.data!, comments: this.mapTree(this.data!.comments, c.id, () => c) };
  }

  private async write<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const send = async () =>
      this.client.request<T>(method, path, {
        body,
        participant: await participant(this.client),
        identity: await this.identity(),
        key: crypto.randomUUID(),
      });
    const res = await send().catch((e: ApiError) => {
      if (e.code !== 'PARTICIPANT_INVALID') throw e;
      forgetParticipant(this.client);
      return send();
    });
    rememberParticipant(this.client, (await participant(this.client)) as string);
    return res;
  }

  /** Shows the comment at once; the server's verdict replaces it, or it is rolled back and the form says why. */
  private async post(fields: CommentFields, parent?: CommentView) {
    const now = new Date(Date.now() + this.skew).toISOString();
    const draft: CommentView = {
      id: `draft-${crypto.randomUUID()}`,
      parentId: parent?.id ?? null,
      depth: parent ? Math.min(parent.depth + 1, 2) : 0,
      author: { name: fields.name, verified: false },
      body: fields.body,
      createdAt: now,
      editedAt: null,
      status: 'published',
      up: 0,
      down: 0,
      myVote: 0,
      mine: true,
      editableUntil: null,
      inReplyTo: null,
      replies: [],
      moreReplies: 0,
    };
    this.insert(draft, parent);
    try {
      const res = await this.write<PostResponse>('POST', 'v1/comments', {
        thread: this.key,
        ...(this.site ? { site: this.site } : {}),
        ...(parent ? { parentId: parent.id } : {}),
        name: fields.name,
        body: fields.body,
        website: fields.website,
      });
      this.drop(draft.id);
      // The live stream may have announced it before this answer came: show it once.
      this.fresh = this.fresh.filter((f) => f.id !== res.comment.id);
      this.insert(res.comment, parent);
      this.recount(0, res.thread);
      try {
        localStorage.setItem(NAME_KEY, fields.name);
      } catch {
        /* the name is a convenience */
      }
      this.close(); // a reply form stays open until the server accepted, so a refusal keeps its text
      this.dispatchEvent(new CivicCommentEvent(res.comment));
    } catch (e) {
      this.drop(draft.id);
      throw e;
    }
  }

  private insert(c: CommentView, parent?: CommentView) {
    const d = this.data!;
    this.data = {
      ...d,
      comments: parent
        ? this.mapTree(d.comments, c.parentId ?? parent.id, (p) => ({ ...p, replies: [...p.replies, c] }))
        : this.sort === 'oldest'
          ? [...d.comments, c]
          : [c, ...d.comments],
    };
  }

  private toggle(kind: Kind, c: CommentView, opener: HTMLElement) {
    if (this.open?.kind === kind && this.open.id === c.id) return this.close();
    this.open = { kind, id: c.id };
    this.opener = opener;
    // Opening moves focus into what opened; closing returns it (see close()).
    this.updateComplete.then(() => {
      const box = this.renderRoot.querySelector(`[data-id="${c.id}"]`);
      box?.querySelector<HTMLElement>('civic-comment-form, .report input, .confirm button')?.focus();
    });
  }

  private close() {
    const opener = this.opener;
    this.open = this.opener = undefined;
    this.updateComplete.then(() => opener?.isConnected && opener.focus());
  }

  private async vote(c: CommentView, value: -1 | 0 | 1) {
    try {
      const r = await this.write<{ up: number; down: number; myVote: -1 | 0 | 1 }>('POST', `v1/comments/${c.id}/vote`, { value });
      this.replace({ ...c, ...r });
    } catch (e) {
      this.fail(e);
    }
  }

  private async deleteComment(c: CommentView) {
    try {
      const r = await this.write<PostResponse>('DELETE', `v1/comments/${c.id}`);
      if (c.replies.length) this.replace({ ...r.comment, replies: c.replies });
      else this.drop(c.id);
      this.recount(0, r.thread);
      this.close();
    } catch (e) {
      this.fail(e);
    }
  }

  private async report(c: CommentView, reason: ReportReason, details: string) {
    try {
      await this.write('POST', `v1/comments/${c.id}/report`, { reason, ...(details ? { details } : {}) });
      this.reported = new Set([...this.reported, c.id]);
      this.close();
    } catch (e) {
      this.fail(e);
    }
  }

  private form(kind: 'new' | 'reply' | 'edit', c?: CommentView): TemplateResult {
    let name = '';
    try {
      name = localStorage.getItem(NAME_KEY) ?? '';
    } catch {
      /* no stored name */
    }
    const t = this.s;
    return html`<civic-comment-form
      .t=${this.t}
      .s=${this.s}
      .locale=${this.locale}
      .name=${name}
      .body=${kind === 'edit' ? c!.body : ''}
      .submitLabel=${kind === 'edit' ? t.save : kind === 'reply' ? t.reply : t.post}
      ?cancellable=${kind !== 'new'}
      .cancel=${() => this.close()}
      .send=${(f: CommentFields) =>
        kind === 'edit'
          ? this.write<PostResponse>('PATCH', `v1/comments/${c!.id}`, { body: f.body }).then((r) => (this.replace({ ...r.comment, replies: c!.replies }), this.close()))
          : this.post(f, c)}
    ></civic-comment-form>`;
  }

  protected renderContent() {
    const d = this.data!;
    const t = this.s;
    const closed = d.thread.status === 'closed';
    const x: ItemContext = {
      s: this.s,
      locale: this.locale,
      now: Date.now() + this.skew,
      closed,
      open: this.open,
      reported: this.reported,
      form: (kind, c) => this.form(kind, c),
      toggle: (kind, c, opener) => this.toggle(kind, c, opener),
      vote: (c, v) => this.vote(c, v),
      remove: (c) => this.deleteComment(c),
      report: (c, r, details) => this.report(c, r, details),
      moreReplies: (c) => this.guard(this.moreReplies(c)),
    };
    return html`
      <div class="head">
        <div class="title" role="heading" aria-level=${this.headingLevel}>
          ${t.title} <span class="muted">(${plural(t.count, d.thread.commentCount, this.locale)})</span>
        </div>
        <label class="sort">${t.sort}
          <select @change=${(e: Event) => (this.sort = (e.target as HTMLSelectElement).value as Sort)}>
            ${(['newest', 'oldest', 'top'] as const).map((s) => html`<option value=${s} ?selected=${s === this.sort}>${t[s]}</option>`)}
          </select>
        </label>
      </div>
      ${closed ? html`<p class="note">${t.closed}</p>` : this.form('new')}
      <div class="sr" role="status">${this.fresh.length ? plural(t.newComments, this.fresh.length, this.locale) : ''}</div>
      ${this.fresh.length
        ? html`<button type="button" class="fresh" @click=${() => this.showFresh()}>${plural(t.newComments, this.fresh.length, this.locale)}</button>`
        : nothing}
      ${d.comments.length ? d.comments.map((c) => renderComment(c, x)) : html`<p class="muted">${t.empty}</p>`}
      ${d.nextCursor ? html`<button type="button" class="more" @click=${() => this.guard(this.loadMore())}>${t.more}</button>` : nothing}
    `;
  }

  /** Loads more without falling into the error state when it works; failures do show it. */
  private guard(p: Promise<unknown>) {
    p.catch((e) => this.fail(e));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-comments': CivicComments;
    'civic-comment-form': CommentForm;
  }
  interface GlobalEventHandlersEventMap {
    'civic-comment': CivicCommentEvent;
  }
}
