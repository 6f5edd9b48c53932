import { css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { fill, plural } from '../../core/i18n/index.ts';
import { consoleStyles } from '../styles.ts';
import { ConsoleView, locale } from './view.ts';

interface AdminComment {
  id: string;
  siteId: string;
  threadKey: string;
  author: { name: string; verified: boolean; participantId: string | null };
  body: string;
  status: string;
  heldReason: string | null;
  reports: { open: number; reasons: Record<string, number> };
  parent: { id: string; name: string; body: string } | null;
  createdAt: string;
}

interface ProjectSubmission {
  id: string;
  siteId: string;
  title: string;
  description: string | null;
  address: string | null;
  category: string;
  submitterEmail: string | null;
  createdAt: string;
}

type QueueItem = ({ kind: 'comment' } & AdminComment) | ({ kind: 'project' } & ProjectSubmission);
type Queue = 'pending' | 'reported' | 'submissions';

/** Pending and reported comments with their context; approve, reject with a reason, bulk actions, ban; j/k/a/r/x keys. */
@customElement('civic-admin-moderation')
export class AdminModeration extends ConsoleView {
  static styles = [
    consoleStyles,
    css`
      article {
        border: 1px solid var(--_line);
        border-radius: var(--_radius);
        padding: 0.75rem;
        margin-block-end: 0.75rem;
      }
      article.current {
        border: 3px solid var(--_accent);
      }
      blockquote {
        margin: 0.5rem 0;
        padding-inline-start: 0.75rem;
        border-inline-start: 3px solid var(--_line);
        color: var(--_muted);
      }
      .body {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
    `,
  ];
  @state() private status: Queue = 'pending';
  @state() private items: QueueItem[] | null = null;
  @state() private selected = new Set<string>();
  @state() private current = 0;
  @state() private done = '';

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    this.items = null;
    if (this.status === 'submissions') {
      const r = await this.latest(() =>
        this.api.get<{ projects: { id: string; properties: Omit<ProjectSubmission, 'id'> }[] }>(`/v1/admin/projects?status=pending${this.siteFilter}`),
      );
      this.items = (r?.projects ?? []).map((f) => ({ kind: 'project' as const, ...f.properties, id: f.id }));
    } else {
      const r = await this.latest(() => this.api.get<{ comments: AdminComment[] }>(`/v1/admin/comments?status=${this.status}${this.siteFilter}`));
      this.items = (r?.comments ?? []).map((c) => ({ kind: 'comment' as const, ...c }));
    }
    this.selected = new Set();
    this.current = 0;
  }

  /** `#/comments?site=ID`: one site's queue. */
  private get siteFilter() {
    const site = this.route.params.get('site');
    return site ? `&site=${encodeURIComponent(site)}` : '';
  }

  private reasonOf(id: string) {
    return this.renderRoot.querySelector<HTMLInputElement>(`#reason-${CSS.escape(id)}`)?.value.trim() ?? '';
  }

  private async decide(ids: string[], action: 'approve' | 'reject', reason = '') {
    if (action === 'reject' && !reason) {
      this.error = this.t.comments.reasonRequired;
      return;
    }
    let n = 0;
    for (const id of ids) {
      const ok = await this.attempt(() =>
        this.api.post(`/v1/admin/${this.status === 'submissions' ? 'projects' : 'comments'}/${encodeURIComponent(id)}/${action}`, action === 'reject' ? { reason } : undefined),
      );
      if (ok === undefined) break;
      n++;
    }
    const t = this.t.comments;
    const projects = this.status === 'submissions';
    const said = plural(projects ? t.doneProjects : t.done, n, locale(this));
    this.done = projects && action === 'approve' && n ? `${said} ${t.projectApproved}` : said;
    const gone = new Set(ids.slice(0, n));
    this.items = (this.items ?? []).filter((c) => !gone.has(c.id));
    this.selected = new Set([...this.selected].filter((id) => !gone.has(id)));
    this.current = Math.min(this.current, Math.max(0, this.items.length - 1));
  }

  private async ban(c: AdminComment) {
    const ok = await this.attempt(() =>
      this.api.post(`/v1/admin/sites/${encodeURIComponent(c.siteId)}/bans`, { commentId: c.id, reason: this.reasonOf(c.id) || undefined }),
    );
    if (ok !== undefined) this.done = this.t.comments.banned;
  }

  private focusCurrent() {
    void this.updateComplete.then(() => this.renderRoot.querySelectorAll<HTMLElement>('article')[this.current]?.focus());
  }

  private onKey(e: KeyboardEvent) {
    const items = this.items ?? [];
    if (!items.length || e.ctrlKey || e.metaKey || e.altKey) return;
    if ((e.target as HTMLElement).closest?.('input, textarea, select')) return;
    const c = items[this.current];
    if (e.key === 'j' || e.key === 'k') {
      this.current = Math.max(0, Math.min(items.length - 1, this.current + (e.key === 'j' ? 1 : -1)));
      this.focusCurrent();
    } else if (e.key === 'a') void this.decide([c.id], 'approve').then(() => this.focusCurrent());
    else if (e.key === 'r') this.renderRoot.querySelector<HTMLInputElement>(`#reason-${CSS.escape(c.id)}`)?.focus();
    else if (e.key === 'x') this.toggle(c.id);
    else return;
    e.preventDefault();
  }

  private toggle(id: string) {
    const s = new Set(this.selected);
    if (s.has(id)) s.delete(id);
    else s.add(id);
    this.selected = s;
  }

  private projectItem(p: ProjectSubmission, i: number) {
    const t = this.t.comments;
    return html`<article tabindex="-1" class=${i === this.current ? 'current' : ''} aria-labelledby="a-${p.id}" @focusin=${() => (this.current = i)}>
      <label class="check" id="a-${p.id}">
        <input type="checkbox" .checked=${this.selected.has(p.id)} @change=${() => this.toggle(p.id)} />
        ${p.title}
      </label>
      <p class="note">${p.category} · ${p.siteId} · ${new Date(p.createdAt).toLocaleString(locale(this))}</p>
      ${p.address ? html`<p>${fill(t.address, { address: p.address })}</p>` : ''}
      ${p.description ? html`<p class="body">${p.description}</p>` : ''}
      ${p.submitterEmail ? html`<p class="note">${fill(t.submittedBy, { email: p.submitterEmail })}</p>` : ''}
      ${this.actions(p.id)}
    </article>`;
  }

  private actions(id: string, extra: unknown = '') {
    const t = this.t.comments;
    return html`<div class="row">
      <button class="primary" @click=${() => this.decide([id], 'approve')}>${t.approve}</button>
      <div class="field">
        <label for="reason-${id}">${t.reason}</label>
        <input id="reason-${id}" maxlength="500" />
      </div>
      <button @click=${() => this.decide([id], 'reject', this.reasonOf(id))}>${t.reject}</button>
      ${extra}
    </div>`;
  }

  private item(c: AdminComment, i: number) {
    const t = this.t.comments;
    const page = /^https?:\/\//.test(c.threadKey) ? html`<a href=${c.threadKey} rel="noopener noreferrer" target="_blank">${c.threadKey}</a>` : c.threadKey;
    return html`<article
      tabindex="-1"
      class=${i === this.current ? 'current' : ''}
      aria-labelledby="a-${c.id}"
      @focusin=${() => (this.current = i)}
    >
      <label class="check" id="a-${c.id}">
        <input type="checkbox" .checked=${this.selected.has(c.id)} @change=${() => this.toggle(c.id)} />
        ${fill(t.select, { name: c.author.name })}
      </label>
      <p class="note">${t.page}: ${page} · ${new Date(c.createdAt).toLocaleString(locale(this))}</p>
      ${c.parent
        ? html`<blockquote><span>${fill(t.inReplyTo, { name: c.parent.name })}</span> <span class="body">${c.parent.body}</span></blockquote>`
        : ''}
      <p class="body">${c.body}</p>
      ${c.heldReason ? html`<p class="note">${fill(t.held, { reason: c.heldReason })}</p>` : ''}
      ${c.reports.open
        ? html`<p class="note">
            ${fill(t.reports, { n: c.reports.open })}:
            ${Object.entries(c.reports.reasons)
              .filter(([, n]) => n)
              .map(([r, n]) => `${r} ${n}`)
              .join(', ')}
          </p>`
        : ''}
      ${this.actions(c.id, html`<button class="link" @click=${() => this.ban(c)}>${t.ban}</button>`)}
    </article>`;
  }

  render() {
    const t = this.t.comments;
    const items = this.items;
    const sel = [...this.selected];
    return html`<h1>${t.title}</h1>
      <div class="row" role="group" aria-label=${this.t.common.status}>
        ${(['pending', 'reported', 'submissions'] as const).map(
          (s) =>
            html`<button
              aria-pressed=${this.status === s ? 'true' : 'false'}
              class=${this.status === s ? 'primary' : ''}
              @click=${() => {
                this.status = s;
                void this.load();
              }}
            >
              ${t[s]}
            </button>`,
        )}
      </div>
      <p class="note" id="keys">${t.shortcuts}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <p role="status">${this.done}</p>
      ${items === null
        ? html`<p role="status">${this.t.loading}</p>`
        : items.length
          ? html`<div class="toolbar">
                <label class="check"
                  ><input
                    type="checkbox"
                    .checked=${sel.length === items.length}
                    @change=${(e: Event) => (this.selected = new Set((e.target as HTMLInputElement).checked ? items.map((c) => c.id) : []))}
                  />
                  ${t.selectAll}</label
                >
                <button ?disabled=${!sel.length} @click=${() => this.decide(sel, 'approve')}>${fill(t.bulkApprove, { n: sel.length })}</button>
                <div class="field">
                  <label for="bulk-reason">${t.reason}</label>
                  <input id="bulk-reason" maxlength="500" />
                </div>
                <button
                  ?disabled=${!sel.length}
                  @click=${() => this.decide(sel, 'reject', this.renderRoot.querySelector<HTMLInputElement>('#bulk-reason')!.value.trim())}
                >
                  ${fill(t.bulkReject, { n: sel.length })}
                </button>
              </div>
              <div class="queue" aria-describedby="keys" @keydown=${this.onKey}>
                ${items.map((c, i) => (c.kind === 'comment' ? this.item(c, i) : this.projectItem(c, i)))}
              </div>`
          : html`<p>${t.empty}</p>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-moderation': AdminModeration;
  }
}
