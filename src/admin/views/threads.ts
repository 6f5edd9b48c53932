import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { fill } from '../../core/i18n/index.ts';
import { canEdit } from '../session.ts';
import type { AdminThread, ModerationMode, Site } from '../types.ts';
import { focusAlert, fromLocalInput, loadSites, siteField, toLocalInput } from './form-parts.ts';
import { ConsoleView, locale } from './view.ts';

const MODES: ModerationMode[] = ['post', 'pre', 'first'];

/** A thread that nobody commented on yet: what PATCH /v1/admin/threads will create. */
const blankThread = (siteId: string, key: string): AdminThread => ({
  key,
  siteId,
  exists: false,
  status: 'open',
  closesAt: null,
  commentCount: 0,
  moderation: 'post',
  moderationOverride: null,
  closedAt: null,
  pending: 0,
  reported: 0,
  createdAt: null,
});

const same = (a: AdminThread, b: AdminThread) => a.siteId === b.siteId && a.key === b.key;

/**
 * `#/threads[?site=ID]`: comment threads with their counts, filtered by site and searched by key;
 * per thread the settings (moderation override, open/closed, closing date) and the exports.
 * Moderators read; editors and admins change (the server checks the same).
 */
@customElement('civic-admin-threads')
export class AdminThreads extends ConsoleView {
  @state() private threads: AdminThread[] | null = null;
  @state() private sites: Site[] | null = null;
  @state() private site = '';
  @state() private q = '';
  /** The thread whose settings are open. */
  @state() private selected: AdminThread | null = null;
  @state() private saved = false;
  @state() private busy = false;

  connectedCallback() {
    super.connectedCallback();
    this.site = this.route.params.get('site') ?? '';
    void loadSites(this.api).then((s) => (this.sites = s));
    void this.load();
  }

  private async load() {
    const q = this.site ? `?site=${encodeURIComponent(this.site)}` : '';
    const r = await this.latest(() => this.api.get<{ threads: AdminThread[] }>(`/v1/admin/threads${q}`));
    this.threads = r?.threads ?? [];
  }

  private filterSite(site: string) {
    this.site = site;
    this.selected = null;
    void this.load();
  }

  private visible() {
    const q = this.q.trim().toLowerCase();
    return (this.threads ?? []).filter((t) => !q || t.key.toLowerCase().includes(q));
  }

  private async open(t: AdminThread) {
    this.selected = t;
    this.saved = false;
    this.error = '';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#settings-h')?.focus();
  }

  private async save(e: SubmitEvent) {
    e.preventDefault();
    const t = this.selected!;
    const f = new FormData(e.target as HTMLFormElement);
    const mode = String(f.get('moderation') ?? '');
    const status = String(f.get('status') ?? t.status) as AdminThread['status'];
    const closesAt = fromLocalInput(String(f.get('closesAt') ?? ''));
    const body: Record<string, unknown> = { site: t.siteId, key: t.key, moderation: mode || null };
    // Only what changed: re-sending "closed" would stamp a manual close on a thread closed by its date.
    if (status !== t.status) body.status = status;
    if (toLocalInput(closesAt) !== toLocalInput(t.closesAt)) body.closesAt = closesAt;
    this.busy = true;
    this.saved = false;
    const r = await this.attempt(() => this.api.patch<AdminThread>('/v1/admin/threads', body));
    this.busy = false;
    if (!r) return focusAlert(this);
    this.selected = r;
    const list = this.threads ?? [];
    this.threads = list.some((x) => same(x, r)) ? list.map((x) => (same(x, r) ? r : x)) : [r, ...list];
    this.saved = true;
  }

  private setUp(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const site = String(f.get('siteId') ?? '').trim();
    const key = String(f.get('key') ?? '').trim();
    const known = this.threads?.find((x) => x.siteId === site && x.key === key);
    void this.open(known ?? blankThread(site, key));
  }

  private exportUrl(t: AdminThread, ext: 'csv' | 'json') {
    return this.api.url(`/v1/admin/threads/export.${ext}?site=${encodeURIComponent(t.siteId)}&key=${encodeURIComponent(t.key)}`);
  }

  private moderationCell(t: AdminThread) {
    const s = this.t.threads;
    return html`${this.t.site.moderations[t.moderation]}<br /><span class="note">${t.moderationOverride ? s.override : s.fromSite}</span>`;
  }

  private settings(t: AdminThread) {
    const s = this.t.threads;
    return html`<section aria-labelledby="settings-h">
      <h2 id="settings-h" tabindex="-1">${fill(s.settingsFor, { key: t.key })}</h2>
      <p class="note">${t.exists ? fill(s.ofSite, { site: t.siteId }) : fill(s.notYet, { site: t.siteId })}</p>
      <form class="base" @submit=${this.save}>
        ${this.error ? html`<p class="error" role="alert" tabindex="-1">${this.error}</p>` : ''}
        ${this.saved ? html`<p role="status">${s.saved}</p>` : ''}
        <div class="field">
          <label for="moderation">${s.moderation}</label>
          <select id="moderation" name="moderation">
            <option value="" ?selected=${!t.moderationOverride}>${s.siteDefault}</option>
            ${MODES.map((m) => html`<option value=${m} ?selected=${t.moderationOverride === m}>${this.t.site.moderations[m]}</option>`)}
          </select>
        </div>
        <fieldset>
          <legend>${s.state}</legend>
          <label class="check"><input type="radio" name="status" value="open" .checked=${t.status === 'open'} /> ${s.stateOpen}</label>
          <label class="check"><input type="radio" name="status" value="closed" .checked=${t.status === 'closed'} /> ${s.stateClosed}</label>
        </fieldset>
        <div class="field">
          <label for="closesAt">${s.closesAt}</label>
          <input id="closesAt" name="closesAt" type="datetime-local" .value=${toLocalInput(t.closesAt)} />
        </div>
        <div class="row">
          <button class="primary" ?disabled=${this.busy}>${this.t.common.save}</button>
          <button type="button" @click=${() => ((this.selected = null), (this.error = ''))}>${s.done}</button>
        </div>
      </form>
    </section>`;
  }

  render() {
    const s = this.t.threads;
    const edit = canEdit(this.user.role);
    const lang = locale(this);
    const rows = this.visible();
    return html`<h1>${s.title}</h1>
      <p class="note">${s.intro}</p>
      <div class="toolbar" role="search">
        ${siteField(this.t, this.sites, this.site, { id: 'site', name: 'site', required: false, any: s.allSites, onChange: (v) => this.filterSite(v) })}
        <div class="field">
          <label for="q">${s.search}</label>
          <input id="q" type="search" .value=${this.q} @input=${(e: Event) => (this.q = (e.target as HTMLInputElement).value)} />
        </div>
      </div>
      ${this.selected ? keyed(`${this.selected.siteId}\n${this.selected.key}`, this.settings(this.selected)) : nothing}
      ${this.error && !this.selected ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      ${this.threads === null
        ? html`<p role="status">${this.t.loading}</p>`
        : rows.length
          ? html`<div class="table-wrap" tabindex="0" role="region" aria-label=${s.title}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">${s.key}</th>
                    <th scope="col">${this.t.common.status}</th>
                    <th scope="col" class="num">${s.comments}</th>
                    <th scope="col" class="num">${s.pending}</th>
                    <th scope="col" class="num">${s.reported}</th>
                    <th scope="col">${s.moderation}</th>
                    ${edit ? html`<th scope="col">${this.t.common.actions}</th>` : ''}
                  </tr>
                </thead>
                <tbody>
                  ${rows.map(
                    (t) => html`<tr data-thread=${t.key}>
                      <th scope="row">
                        ${/^https?:\/\//.test(t.key) ? html`<a href=${t.key} rel="noopener noreferrer" target="_blank">${t.key}</a>` : t.key}<br /><span
                          class="note"
                          >${t.siteId}</span
                        >
                      </th>
                      <td>
                        <span class="status">${this.t.common[t.status]}</span>
                        ${t.closesAt && t.status === 'open'
                          ? html`<br /><span class="note">${fill(s.closesOn, { date: new Date(t.closesAt).toLocaleString(lang) })}</span>`
                          : ''}
                      </td>
                      <td class="num">${t.commentCount}</td>
                      <td class="num">${t.pending}</td>
                      <td class="num">${t.reported}</td>
                      <td>${this.moderationCell(t)}</td>
                      ${edit
                        ? html`<td>
                            <div class="row">
                              <button class="link" @click=${() => this.open(t)}>${s.settings}<span class="sr">: ${t.key}</span></button>
                              <a href=${this.exportUrl(t, 'csv')} download>${this.t.results.exportCsv}<span class="sr">: ${t.key}</span></a>
                              <a href=${this.exportUrl(t, 'json')} download>${this.t.results.exportJson}<span class="sr">: ${t.key}</span></a>
                            </div>
                          </td>`
                        : ''}
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : html`<p>${this.t.common.none}</p>`}
      ${edit
        ? html`<h2 id="setup-h">${s.setUp}</h2>
            <form class="base" aria-labelledby="setup-h" @submit=${this.setUp}>
              <div class="row">
                ${siteField(this.t, this.sites, this.site, { id: 'new-site' })}
                <div class="field">
                  <label for="new-key">${s.setUpKey}</label>
                  <input id="new-key" name="key" required maxlength="2000" />
                </div>
                <button>${s.setUpOpen}</button>
              </div>
            </form>`
        : ''}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-threads': AdminThreads;
  }
}
