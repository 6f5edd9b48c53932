import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { errorMessage, type ApiError } from '../../core/api-client.ts';
import { CivicElement } from '../../core/civic-element.ts';
import { fill, plural } from '../../core/i18n/index.ts';
import { relative } from '../../core/i18n/relative.ts';
import { LiveUpdates } from '../../core/live.ts';
import type { Delivered, Queued } from '../../core/outbox.ts';
import { forgetParticipant, participant, rememberParticipant, storedParticipant } from '../../core/participant.ts';
import { CommentForm, type CommentFields } from './comment-form.ts';
import { commentsStyles } from './civic-comments.styles.ts';
import { renderText } from './format.ts';
import { CountEvent, type CommentView, type CommentsPage, type PostResponse, type ReportReason, type Sort, type ThreadView } from './comments.types.ts';
import { commentsStrings, type CommentsStrings } from './i18n/index.ts';
import { pageUrl } from '../../core/page-url.ts';

/** Fired after the server accepted a comment (published or held for review). */
export class CivicCommentEvent extends Event {
  constructor(readonly comment: CommentView) {
    super('civic-comment', { bubbles: true, composed: true });
  }
}

const NAME_KEY = 'civic.name';
/** The forms a comment opens under itself: a reply, an edit, a report, a delete confirmation. */
type Kind = 'reply' | 'edit' | 'report' | 'delete';

/** Report reasons as the API names them; their strings are keyed in camelCase (`offTopic`). */
const REASONS: ReportReason[] = ['spam', 'abuse', 'off-topic', 'illegal'];

/** Visits every comment of a tree, replies included. */
function* all(list: CommentView[]): Generator<CommentView> {
  for (const c of list) yield c, yield* all(c.replies);
}

/** The tree with the comment `id` replaced by `f(it)`. */
const mapTree = (list: CommentView[], id: string, f: (c: CommentView) => CommentView): CommentView[] =>
  list.map((c) => (c.id === id ? f(c) : c.replies.length ? { ...c, replies: mapTree(c.replies, id, f) } : c));

/** The tree with `c` as the last reply of `parentId`. */
const addReply = (list: CommentView[], parentId: string, c: CommentView) =>
  mapTree(list, parentId, (p) => ({ ...p, replies: [...p.replies, c] }));

/** The tree without the comment `id`. */
const prune = (list: CommentView[], id: string): CommentView[] =>
  list.filter((c) => c.id !== id).map((c) => (c.replies.length ? { ...c, replies: prune(c.replies, id) } : c));

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
    shown: { state: true },
    waiting: { state: true },
  };

  protected readonly pack = commentsStrings;
  protected keepsWrites = true;
  /** The thread's key; default: the page's canonical URL without query or fragment. */
  thread?: string;
  /** The site the thread belongs to; default: the one whose allowed origins include this page. */
  site?: string;
  /** `newest` (default), `oldest` or `top`. */
  sort: Sort = 'newest';
  headingLevel = 2;

  // Reactive state has to be a named property; everything else is `#private`, which the minifier
  // shortens (it keeps other member names whole).
  private data?: CommentsPage;
  /** Live arrivals held back until the reader asks for them, so nothing moves under their eyes. */
  private fresh: CommentView[] = [];
  /** Where a form is open, and under which comment. */
  private open?: { kind: Kind; id: string };
  /** Comments this reader reported from this page. */
  private reported: string[] = [];
  /**
   * How many top-level comments are drawn: a first page grows 5 at a time, a task each, so a
   * 30-comment page is several short tasks instead of one long one.
   */
  private shown = Infinity;
  /**
   * Comments kept on the device for the connection (src/core/outbox.ts), by Idempotency-Key (their
   * draft is `draft-<key>`): true while waiting, the server's refusal once it answered.
   */
  private waiting: Record<string, unknown> = {};
  #opener?: HTMLElement;
  #skew = 0;
  /** Server time of the first page: the polling fallback announces only what came after it. */
  #since = '';
  #live = new LiveUpdates<CommentView>(
    this,
    (c, event) => this.#arrived(c, event),
    () => this.#checkNew().catch(() => {}),
    ['comment', 'update'],
  );

  get #key() {
    return this.thread || pageUrl();
  }

  /** The thread (and site) a request is about. */
  #where() {
    return { thread: this.#key, ...(this.site ? { site: this.site } : {}) };
  }

  #query(extra: Record<string, string> = {}) {
    return new URLSearchParams({ ...this.#where(), ...extra });
  }

  protected contentKey() {
    return `${this.#key} ${this.site} ${this.sort}`;
  }

  /** A read, with this reader's token if they have one (their votes and held comments). */
  #get<T>(path: string) {
    return this.client.get<T>(path, { participant: storedParticipant(this.client) });
  }

  #page(extra: Record<string, string>) {
    return this.#get<CommentsPage>(`v1/comments?${this.#query(extra)}`);
  }

  async #load() {
    // Comment times need Intl's number data (RelativeTimeFormat), whose first load is a long task:
    // taken while the page is in flight, not in the task that draws the comments.
    setTimeout(() => new Intl.NumberFormat(this.locale).format(1));
    const page = await this.#page({ sort: this.sort });
    this.#skew = Date.parse(page.serverTime) - Date.now();
    this.#since = page.serverTime;
    this.data = page;
    this.shown = 5;
    this.fresh = [];
    this.#live.follow(this.client.url(`v1/comments/live?${this.#query()}`));
  }

  protected async fetchContent() {
    try {
      await this.#load();
    } finally {
      this.#resume().catch(() => {}); // a damaged queue shows nothing rather than escape into the page
    }
  }

  /** A queued comment of this thread. */
  #mine = (q: Queued) => q.path === 'v1/comments' && q.body.thread === this.#key && q.body.site === this.site;

  /** After a reload: comments still waiting show as drafts saying so, and go out if the server answers now. */
  async #resume() {
    const items = this.client.hasOutbox ? (await this.client.outbox()).waiting(this, this.client, this.#mine, this.#delivered) : [];
    if (!items.length) return;
    this.waiting = Object.fromEntries(items.map((q) => [q.slot, true]));
    const d = this.data;
    if (d)
      for (const q of items) {
        const b = q.body as { parentId?: string; name: string; body: string };
        const parent = b.parentId && [...all(d.comments)].some((c) => c.id === b.parentId) ? b.parentId : undefined;
        this.#insert(this.#draft(q.slot, b, parent), parent);
      }
  }

  /** A queued comment was answered: accepted (shown as usual), refused (the draft says why), or sent by another tab. */
  #delivered = ({ item, data, error }: Delivered) => {
    if (!this.#mine(item) || !this.waiting[item.slot]) return;
    const { [item.slot]: _, ...rest } = this.waiting;
    this.waiting = error ? { ...rest, [item.slot]: error } : rest;
    if (!this.data || this.failure || !(data || error)) return this.reload();
    if (data) this.#posted(`draft-${item.slot}`, data as PostResponse, item.body.parentId as string | undefined, item.body.name as string);
  };

  async #loadMore() {
    const d = this.data!;
    const page = await this.#page({ sort: this.sort, cursor: d.nextCursor! });
    // With `top`, a comment whose score changed can come again on the next page: show it once.
    const have = new Set(d.comments.map((c) => c.id));
    this.data = { ...page, comments: [...d.comments, ...page.comments.filter((c) => !have.has(c.id))] };
  }

  /** Where live updates cannot stream: the newest page again, whatever is new goes behind the bar. */
  async #checkNew() {
    const page = await this.#page({ sort: 'newest' });
    for (const c of all(page.comments)) if (c.createdAt > this.#since) this.#arrived({ ...c, replies: [] }, 'comment');
  }

  /** A live event: our own and known comments update in place; others wait behind the "new" bar. */
  #arrived(c: CommentView, event: string) {
    const d = this.data;
    if (!d) return;
    const known = [...all(d.comments)].find((x) => x.id === c.id);
    if (known) {
      // Approved, hidden or deleted: the count follows what everyone can see.
      const seen = (x: CommentView) => +(x.status === 'published');
      this.#recount(seen(c) - seen(known));
      if (!c.body && !known.replies.length && c.status !== 'published') return this.#drop(c.id);
      // Live events are the same for every reader: keep what only this reader knows.
      const { mine, myVote, editableUntil, heldReason, held, rejectReason, replies } = known;
      return this.#replace({ ...c, mine, myVote, editableUntil, heldReason, held, rejectReason, replies });
    }
    if (event === 'comment' && !this.fresh.some((x) => x.id === c.id)) this.fresh = [...this.fresh, c];
  }

  /** Changes the thread's count, and tells `<civic-comment-count>` elements of the same thread. */
  #recount(by: number, thread?: ThreadView) {
    const d = this.data!;
    const next = thread ?? { ...d.thread, commentCount: d.thread.commentCount + by };
    this.data = { ...d, thread: next };
    if (next.commentCount !== d.thread.commentCount) document.dispatchEvent(new CountEvent(next));
  }

  #showFresh() {
    for (const c of this.fresh) this.#insert(c, c.parentId);
    this.#recount(this.fresh.length);
    this.fresh = [];
  }

  #set(comments: CommentView[]) {
    this.data = { ...this.data!, comments };
  }

  /** Adds a comment: under `parentId`, or at the top (the end, sorted by `oldest`). */
  #insert(c: CommentView, parentId?: string | null) {
    const list = this.data!.comments;
    this.#set(parentId ? addReply(list, parentId, c) : this.sort === 'oldest' ? [...list, c] : [c, ...list]);
  }

  #drop(id: string) {
    this.#set(prune(this.data!.comments, id));
  }

  #replace(c: CommentView) {
    this.#set(mapTree(this.data!.comments, c.id, () => c));
  }

  /** The next replies of a top-level comment: the API sends them flat, each under its parentId. */
  async #moreReplies(top: CommentView) {
    const last = [...all(top.replies)].pop();
    const r = await this.#get<{ replies: CommentView[]; moreReplies: number }>(
      `v1/comments/${top.id}/replies${last ? `?after=${encodeURIComponent(last.id)}` : ''}`,
    );
    let comments = mapTree(this.data!.comments, top.id, (t) => ({ ...t, moreReplies: r.moreReplies }));
    for (const reply of r.replies) comments = addReply(comments, reply.parentId!, reply);
    this.#set(comments);
  }

  async #write<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, key?: string): Promise<T> {
    const send = async () =>
      this.client.request<T>(method, path, {
        body,
        participant: await participant(this.client),
        identity: await this.identity(),
        key: key ?? crypto.randomUUID(),
      });
    const res = await send().catch((e: ApiError) => {
      if (e.code !== 'PARTICIPANT_INVALID') throw e;
      forgetParticipant(this.client);
      return send();
    });
    rememberParticipant(this.client, await participant(this.client));
    return res;
  }

  /** Only what a draft shows: it has no actions (votes, edit window, more replies) until it is real. */
  #draft(key: string, fields: { name: string; body: string }, parentId?: string) {
    return {
      id: `draft-${key}`,
      parentId,
      author: { name: fields.name },
      body: fields.body,
      createdAt: new Date(Date.now() + this.#skew).toISOString(),
      status: 'published',
      mine: true,
      replies: [],
    } as unknown as CommentView;
  }

  /** Shows the comment at once; the server's verdict replaces it, or it is rolled back and the form says why. */
  async #post(fields: CommentFields, parent?: CommentView) {
    const key = crypto.randomUUID();
    const draft = this.#draft(key, fields, parent?.id);
    const body = { ...this.#where(), ...(parent ? { parentId: parent.id } : {}), ...fields };
    this.#insert(draft, draft.parentId);
    try {
      this.#posted(draft.id, await this.#write<PostResponse>('POST', 'v1/comments', body, key), parent?.id, fields.name);
      this.#close(); // a reply form stays open until the server accepted, so a refusal keeps its text
    } catch (e) {
      // No answer: the comment waits on the device and its draft says so (not one signed with the
      // host's login token, which is never stored).
      const item = { slot: key, path: 'v1/comments', body, key };
      // The host's login may fail now too: then nothing is kept, and the draft goes with the real error.
      if (!(await this.identity().catch(() => 1)) && (await this.client.outbox().then((o) => o.queue(this, this.client, e, item, this.#delivered), () => false))) {
        this.waiting = { ...this.waiting, [key]: true };
        return this.#close();
      }
      this.#drop(draft.id);
      throw e;
    }
  }

  /** The server accepted a comment: it replaces its draft. */
  #posted(draftId: string, { comment, thread }: PostResponse, parentId: string | undefined, name: string) {
    this.#drop(draftId);
    // The live stream may have announced it before this answer came: show it once.
    this.fresh = this.fresh.filter((f) => f.id !== comment.id);
    this.#insert(comment, parentId && (comment.parentId ?? parentId));
    this.#recount(0, thread);
    try {
      localStorage.setItem(NAME_KEY, name);
    } catch {
      /* the name is a convenience */
    }
    this.dispatchEvent(new CivicCommentEvent(comment));
  }

  #toggle(kind: Kind, c: CommentView, opener: HTMLElement) {
    if (this.open?.kind === kind && this.open.id === c.id) return this.#close();
    this.open = { kind, id: c.id };
    this.#opener = opener;
    // Opening moves focus into what opened; closing returns it (see #close()).
    this.updateComplete.then(() => {
      const box = this.renderRoot.querySelector(`[data-id="${c.id}"]`);
      box?.querySelector<HTMLElement>('civic-comment-form, .report input, .confirm button')?.focus();
    });
  }

  #close() {
    const opener = this.#opener;
    this.open = this.#opener = undefined;
    this.updateComplete.then(() => opener?.isConnected && opener.focus());
  }

  /** An action on a comment: what fails shows the error state. */
  #guard(p: Promise<unknown>) {
    p.catch((e) => this.fail(e));
  }

  #vote(c: CommentView, value: -1 | 0 | 1) {
    this.#guard(
      this.#write<{ up: number; down: number; myVote: -1 | 0 | 1 }>('POST', `v1/comments/${c.id}/vote`, { value }).then((r) =>
        this.#replace({ ...c, ...r }),
      ),
    );
  }

  #remove(c: CommentView) {
    this.#guard(
      this.#write<PostResponse>('DELETE', `v1/comments/${c.id}`).then((r) => {
        if (c.replies.length) this.#replace({ ...r.comment, replies: c.replies });
        else this.#drop(c.id);
        this.#recount(0, r.thread);
        this.#close();
      }),
    );
  }

  #report(c: CommentView, reason: ReportReason, details: string) {
    this.#guard(
      // An empty `details` is left out (JSON drops undefined).
      this.#write('POST', `v1/comments/${c.id}/report`, { reason, details: details || undefined }).then(() => {
        this.reported = [...this.reported, c.id];
        this.#close();
      }),
    );
  }

  #form(kind: 'new' | 'reply' | 'edit', c?: CommentView): TemplateResult {
    let name = '';
    try {
      name = localStorage.getItem(NAME_KEY) ?? '';
    } catch {
      /* no stored name */
    }
    const t = this.s;
    return html`<civic-comment-form
      .t=${this.t}
      .s=${t}
      .locale=${this.locale}
      .name=${name}
      .body=${kind === 'edit' ? c!.body : ''}
      .submitLabel=${kind === 'edit' ? t.save : kind === 'reply' ? t.reply : t.post}
      ?cancellable=${kind !== 'new'}
      .cancel=${() => this.#close()}
      .send=${(f: CommentFields) =>
        kind === 'edit'
          ? this.#write<PostResponse>('PATCH', `v1/comments/${c!.id}`, { body: f.body }).then((r) => (this.#replace({ ...r.comment, replies: c!.replies }), this.#close()))
          : this.#post(f, c)}
    ></civic-comment-form>`;
  }

  /**
   * One comment as an `article` named by its author and time, with its replies nested inside
   * (the server flattens anything deeper than three levels and says whom it answers).
   */
  #renderComment(c: CommentView, now: number, closed: boolean): TemplateResult {
    const t = this.s;
    const time = relative(Date.parse(c.createdAt) - now, this.locale);
    const open = this.open?.id === c.id ? this.open.kind : undefined;
    const editable = c.mine && c.status !== 'deleted' && !!c.editableUntil && Date.parse(c.editableUntil) > now;
    const reported = this.reported.includes(c.id);
    const replies = c.replies.map((r) => this.#renderComment(r, now, closed));
    const opener = (kind: Kind) => (e: Event) => this.#toggle(kind, c, e.currentTarget as HTMLElement);
    // Opens (and closes) a form under the comment; named by its action.
    const toggle = (kind: Kind) => html`<button type="button" aria-expanded=${open === kind} @click=${opener(kind)}>${t[kind]}</button>`;
    const vote = (v: -1 | 1, label: string, n: number) =>
      html`<button type="button" aria-pressed=${c.myVote === v} @click=${() => this.#vote(c, c.myVote === v ? 0 : v)}>${label} <span class="n">${n}</span></button>`;
    // A deleted or hidden comment with replies keeps its place, without name or text.
    // (Templates leave out the whitespace between boxes: it shows nowhere, and it is bytes.)
    if (!c.author.name && c.status !== 'published')
      return html`<article part="comment" class="c" data-id=${c.id} aria-label=${t.deleted}
        ><p class="muted">${t.deleted}</p
        ><div class="replies">${replies}</div></article
      >`;
    return html`<article part="comment" class="c" data-id=${c.id} aria-label=${fill(t.byline, { name: c.author.name, time })}
      ><p class="meta"
        ><b dir="auto">${c.author.name}</b>${c.author.verified ? html` <span class="badge">${t.verified}</span>` : nothing}
        <span class="muted"><time datetime=${c.createdAt}>${time}</time>${c.editedAt ? ` · ${t.edited}` : ''}${c.mine ? ` · ${t.yours}` : ''}</span>
        ${c.inReplyTo ? html`<span class="muted">${fill(t.inReplyTo, { name: c.inReplyTo.name })}</span>` : nothing}</p
      >${c.status === 'deleted'
        ? html`<p class="muted">${t.deleted}</p>`
        : open === 'edit'
          ? this.#form('edit', c)
          : html`<div class="body">${renderText(c.body)}</div>`}${this.#renderWaiting(c.id)}${c.mine && (c.status === 'pending' || c.status === 'hidden')
        ? html`<p class="note" role="status"
            >${t.pending} <span class="muted">${c.held ? fill(t.held[c.held], { reason: c.rejectReason ?? '' }) : c.heldReason}</span></p
          >`
        : nothing}${c.status !== 'published' || c.id.startsWith('draft-')
        ? nothing
        : html`<div class="acts"
            >${vote(1, t.helpful, c.up)}${vote(-1, t.unhelpful, c.down)}${closed ? nothing : toggle('reply')}${editable
              ? [toggle('edit'), toggle('delete')]
              : nothing}${c.mine || reported ? nothing : toggle('report')}</div
          >`}${reported ? html`<p class="note" role="status">${t.reported}</p>` : nothing}${open === 'delete'
        ? html`<div class="confirm" role="group" aria-label=${t.delete}
            ><p>${t.confirmDelete}</p
            ><button type="button" class="primary" @click=${() => this.#remove(c)}>${t.delete}</button
            ><button type="button" @click=${opener('delete')}>${t.cancel}</button></div
          >`
        : nothing}${open === 'report' ? this.#renderReport(c, opener('report')) : nothing}${open === 'reply'
        ? this.#form('reply', c)
        : nothing}${c.replies.length || c.moreReplies
        ? html`<div class="replies"
            >${replies}${c.moreReplies
              ? html`<button type="button" class="link" @click=${() => this.#guard(this.#moreReplies(c))}>${plural(t.moreReplies, c.moreReplies, this.locale)}</button>`
              : nothing}</div
          >`
        : nothing}</article
    >`;
  }

  /** Under a draft that waits for the connection, or that the server refused once it answered. */
  #renderWaiting(id: string) {
    const w = id.startsWith('draft-') && this.waiting[id.slice(6)];
    return w === true ? html`<p part="queued" class="note">${this.t.queued}</p>` : w ? html`<p class="error">${errorMessage(this.t, w)}</p>` : nothing;
  }

  /** A load that failed while comments wait says that too. */
  protected renderError(e: unknown, retry: () => void) {
    return html`${super.renderError(e, retry)}${this.failure && Object.keys(this.waiting).length ? html`<p part="queued" class="note" role="status">${this.t.queued}</p>` : nothing}`;
  }

  #renderReport(c: CommentView, cancel: (e: Event) => void) {
    const t = this.s;
    const send = (e: Event) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      const reason = (f.elements.namedItem('reason') as RadioNodeList).value as ReportReason;
      const details = f.elements.namedItem('details') as HTMLTextAreaElement;
      // A notice of illegal content must say why (EU Digital Services Act, art. 16).
      details.setCustomValidity(reason === 'illegal' && !details.value.trim() ? t.reportDetails : '');
      if (details.reportValidity()) this.#report(c, reason, details.value.trim());
    };
    return html`<form class="report" @submit=${send}
      ><fieldset
        ><legend>${t.reportReason}</legend
        >${REASONS.map(
          (value, i) =>
            html`<label class="opt"
              ><input type="radio" name="reason" value=${value} ?required=${i === 0} />${t.reasons[value === 'off-topic' ? 'offTopic' : value]}</label
            >`,
        )}</fieldset
      ><label
        >${t.reportDetails}<textarea name="details" rows="2" maxlength="2000"
          @input=${(e: Event) => (e.target as HTMLTextAreaElement).setCustomValidity('')}
        ></textarea
      ></label
      ><div class="actions"
        ><button class="primary">${t.sendReport}</button
        ><button type="button" @click=${cancel}>${t.cancel}</button></div
      ></form
    >`;
  }

  protected updated(changed: PropertyValues) {
    super.updated(changed);
    const n = this.shown;
    if (this.loaded && n < this.data!.comments.length) setTimeout(() => this.shown === n && (this.shown = n + 5));
  }

  protected renderContent() {
    const d = this.data!;
    const t = this.s;
    const closed = d.thread.status === 'closed';
    const fresh = this.fresh.length ? plural(t.newComments, this.fresh.length, this.locale) : '';
    const now = Date.now() + this.#skew;
    // No whitespace between boxes (see #renderComment).
    return html`<div class="head"
        ><div class="title" role="heading" aria-level=${this.headingLevel}
          >${t.title} <span class="muted">(${plural(t.count, d.thread.commentCount, this.locale)})</span></div
        ><label class="sort"
          >${t.sort}
          <select @change=${(e: Event) => (this.sort = (e.target as HTMLSelectElement).value as Sort)}
            >${(['newest', 'oldest', 'top'] as const).map((s) => html`<option value=${s} ?selected=${s === this.sort}>${t[s]}</option>`)}</select
          ></label
        ></div
      >${closed ? html`<p class="note">${t.closed}</p>` : this.#form('new')}<div class="sr" role="status">${fresh}${Object.values(this.waiting).includes(true) ? ' ' + this.t.queued : ''}</div
      >${fresh ? html`<button type="button" class="fresh" @click=${() => this.#showFresh()}>${fresh}</button>` : nothing}${d.comments.length
        ? d.comments.slice(0, this.shown).map((c) => this.#renderComment(c, now, closed))
        : html`<p class="muted">${t.empty}</p>`}${d.nextCursor
        ? html`<button type="button" class="more" @click=${() => this.#guard(this.#loadMore())}>${t.more}</button>`
        : nothing}`;
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
