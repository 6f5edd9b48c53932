import { css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { fill } from '../../core/i18n/index.ts';
import type { User } from '../session.ts';
import { consoleStyles } from '../styles.ts';
import { ConsoleView, locale } from './view.ts';

interface AuditEntry {
  id: string;
  at: string;
  actor: { id: string; email: string } | 'token';
  action: string;
  target: { type: string; id: string | null };
  details: Record<string, unknown> | null;
}

interface AuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
}

/** Shown as `key: value` text: lists of words joined, other objects as JSON (never as HTML). */
const detailText = (d: Record<string, unknown>) =>
  Object.entries(d).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.join(', ') : JSON.stringify(v)}`);

/**
 * The audit log (admins only): newest first, filtered by who and by action (an exact action or a
 * prefix such as `poll.`), paged with the server's cursor so a long log never loads at once.
 */
@customElement('civic-admin-audit')
export class AdminAudit extends ConsoleView {
  static styles = [
    consoleStyles,
    css`
      ul.details {
        margin: 0;
        padding-inline-start: 1rem;
        font-size: 0.9em;
        overflow-wrap: anywhere;
      }
    `,
  ];
  @state() private entries: AuditEntry[] | null = null;
  @state() private next: string | null = null;
  @state() private users: User[] = [];
  @state() private actor = '';
  @state() private action = '';
  @state() private loadingMore = false;

  connectedCallback() {
    super.connectedCallback();
    this.actor = this.route.params.get('actor') ?? '';
    this.action = this.route.params.get('action') ?? '';
    void this.load();
    void this.api.get<{ users: User[] }>('/v1/admin/users').then((r) => (this.users = r.users), () => {});
  }

  private query(cursor?: string) {
    const q = new URLSearchParams({ limit: '50' });
    if (this.actor) q.set('actor', this.actor);
    if (this.action.trim()) q.set('action', this.action.trim());
    if (cursor) q.set('cursor', cursor);
    return `/v1/admin/audit?${q}`;
  }

  private async load() {
    this.entries = null;
    this.loadingMore = false;
    const page = await this.latest(() => this.api.get<AuditPage>(this.query()));
    this.entries = page?.entries ?? [];
    this.next = page?.nextCursor ?? null;
  }

  private async more() {
    if (!this.next) return;
    this.loadingMore = true;
    const first = this.entries!.length;
    // A filter applied meanwhile wins: this page of the old filter is dropped.
    const page = await this.latest(() => this.api.get<AuditPage>(this.query(this.next!)));
    this.loadingMore = false;
    if (!page) return;
    this.entries = [...this.entries!, ...page.entries];
    this.next = page.nextCursor;
    // Keyboard users continue where the new entries start rather than at the button that moved.
    await this.updateComplete;
    this.renderRoot.querySelectorAll<HTMLElement>('tbody tr')[first]?.focus();
  }

  private filter(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    this.actor = String(f.get('actor') ?? '');
    this.action = String(f.get('action') ?? '');
    void this.load();
  }

  private who(a: AuditEntry['actor']) {
    return a === 'token' ? this.t.audit.serviceToken : a.email;
  }

  render() {
    const t = this.t;
    const lang = locale(this);
    return html`<h1>${t.nav.audit}</h1>
      <form class="toolbar" role="search" aria-label=${t.audit.filters} @submit=${this.filter}>
        <div class="field">
          <label for="actor">${t.lists.who}</label>
          <select id="actor" name="actor">
            <option value="" ?selected=${!this.actor}>${t.common.all}</option>
            <option value="token" ?selected=${this.actor === 'token'}>${t.audit.serviceToken}</option>
            ${this.users.map((u) => html`<option value=${u.id} ?selected=${this.actor === u.id}>${u.name} (${u.email})</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="action">${t.lists.action}</label>
          <input id="action" name="action" .value=${this.action} maxlength="64" aria-describedby="action-hint" />
          <span class="note" id="action-hint">${t.audit.actionHint}</span>
        </div>
        <button>${t.audit.apply}</button>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      ${this.entries === null
        ? html`<p role="status">${t.loading}</p>`
        : this.entries.length
          ? html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t.nav.audit}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">${t.lists.when}</th>
                      <th scope="col">${t.lists.who}</th>
                      <th scope="col">${t.lists.action}</th>
                      <th scope="col">${t.lists.target}</th>
                      <th scope="col">${t.audit.details}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${this.entries.map(
                      (e) => html`<tr data-entry=${e.id} tabindex="-1">
                        <td><time datetime=${e.at}>${new Date(e.at).toLocaleString(lang)}</time></td>
                        <td>${this.who(e.actor)}</td>
                        <td><code>${e.action}</code></td>
                        <td>${e.target.type} ${e.target.id ?? ''}</td>
                        <td>${e.details ? html`<ul class="details">${detailText(e.details).map((d) => html`<li>${d}</li>`)}</ul>` : ''}</td>
                      </tr>`,
                    )}
                  </tbody>
                </table>
              </div>
              <p class="note" role="status">${fill(t.audit.shown, { count: this.entries.length })}</p>
              ${this.next ? html`<button ?disabled=${this.loadingMore} @click=${this.more}>${t.lists.more}</button>` : ''}`
          : html`<p>${t.audit.empty}</p>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-audit': AdminAudit;
  }
}
