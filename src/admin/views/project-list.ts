import { html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { fill } from '../../core/i18n/index.ts';
import { href } from '../router.ts';
import { canEdit } from '../session.ts';
import type { AdminMapSettings, AdminProject, Site } from '../types.ts';
import { loadSites } from './form-parts.ts';
import { loadMapSettings, PROJECT_STATUSES, REVIEWS } from './project-sites.ts';
import { ConsoleView } from './view.ts';

const PAGE = 100;

/**
 * Every project: search (title, address) and review state on the server; category and status on
 * what is loaded. Edit, duplicate (the form, prefilled), delete (after a confirm step) and embed.
 */
@customElement('civic-admin-projects')
export class AdminProjects extends ConsoleView {
  @state() private projects: AdminProject[] | null = null;
  @state() private next: string | null = null;
  @state() private sites: Site[] = [];
  /** Category labels by site, from each site's map settings. */
  @state() private categories: Record<string, AdminMapSettings['categories']> = {};
  @state() private q = '';
  @state() private site = '';
  @state() private review = '';
  @state() private category = '';
  @state() private status = '';
  /** The project whose deletion waits for a yes. */
  @state() private confirming: AdminProject | null = null;
  @state() private note = '';

  connectedCallback() {
    super.connectedCallback();
    const p = this.route.params;
    this.q = p.get('q') ?? '';
    this.review = p.get('review') ?? '';
    this.site = p.get('site') ?? '';
    void this.load();
    void loadSites(this.api).then(async (sites) => {
      this.sites = sites;
      const maps = await Promise.all(sites.map((s) => loadMapSettings(this.api, s.id).catch(() => null)));
      this.categories = Object.fromEntries(sites.map((s, i) => [s.id, maps[i]?.categories ?? []]));
    });
  }

  private query(cursor?: string) {
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (this.q.trim()) q.set('q', this.q.trim());
    if (this.site) q.set('site', this.site);
    if (this.review) q.set('status', this.review);
    if (cursor) q.set('cursor', cursor);
    return `/v1/admin/projects?${q}`;
  }

  private async load(more = false) {
    // A new filter hides the old one's "Load more": its cursor belongs to the old list.
    if (!more) this.next = null;
    const r = await this.latest(() => this.api.get<{ projects: AdminProject[]; nextCursor: string | null }>(this.query(more ? (this.next ?? undefined) : undefined)));
    if (!r) return void (this.projects ??= []);
    this.projects = more ? [...(this.projects ?? []), ...r.projects] : r.projects;
    this.next = r.nextCursor;
  }

  private async deleteProject(p: AdminProject) {
    const ok = await this.attempt(() => this.api.del(`/v1/admin/projects/${encodeURIComponent(p.id)}`).then(() => true));
    this.confirming = null;
    if (!ok) return;
    this.projects = this.projects!.filter((x) => x.id !== p.id);
    this.note = fill(this.t.projectEditor.deleted, { title: p.properties.title });
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('h1')?.focus();
  }

  private async askDelete(p: AdminProject) {
    this.note = '';
    this.confirming = p;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.confirm button')?.focus();
  }

  private categoryLabel(p: AdminProject) {
    const c = this.categories[p.properties.siteId]?.find((x) => x.id === p.properties.category);
    return c?.label ?? p.properties.category;
  }

  /** Every category of the listed sites, by id (the label of the first site that has it). */
  private categoryOptions() {
    const seen = new Map<string, string>();
    for (const [site, list] of Object.entries(this.categories))
      if (!this.site || site === this.site) for (const c of list) if (!seen.has(c.id)) seen.set(c.id, c.label);
    for (const p of this.projects ?? []) if (!seen.has(p.properties.category)) seen.set(p.properties.category, p.properties.category);
    return [...seen];
  }

  private visible() {
    return (this.projects ?? []).filter(
      (p) => (!this.category || p.properties.category === this.category) && (!this.status || p.properties.status === this.status),
    );
  }

  private select(id: string, label: string, value: string, options: [string, string][], set: (v: string) => void) {
    return html`<div class="field">
      <label for=${id}>${label}</label>
      <select id=${id} @change=${(e: Event) => set((e.target as HTMLSelectElement).value)}>
        <option value="" ?selected=${!value}>${this.t.common.all}</option>
        ${options.map(([v, l]) => html`<option value=${v} ?selected=${v === value}>${l}</option>`)}
      </select>
    </div>`;
  }

  private actions(p: AdminProject) {
    const t = this.t.projectEditor;
    const name = html`<span class="sr">: ${p.properties.title}</span>`;
    const embed = html`<a href="#/embed?widget=project-map&id=${encodeURIComponent(p.id)}">${t.embed}${name}</a>`;
    if (!canEdit(this.user.role)) return embed;
    if (this.confirming?.id === p.id)
      return html`<div class="confirm row" role="group" aria-label=${t.delete}>
        <span>${fill(t.confirmDelete, { title: p.properties.title })}</span>
        <button type="button" class="danger" @click=${() => this.deleteProject(p)}>${t.confirmYes}</button>
        <button type="button" @click=${() => (this.confirming = null)}>${this.t.common.cancel}</button>
      </div>`;
    return html`<div class="row">
      <a href=${href('projects', p.id, 'edit')}>${this.t.common.edit}${name}</a>
      <a href="${href('projects', 'new')}?from=${encodeURIComponent(p.id)}">${t.duplicate}${name}</a>
      <button type="button" class="link" @click=${() => this.askDelete(p)}>${t.delete}${name}</button>
      ${embed}
    </div>`;
  }

  render() {
    const t = this.t.projectEditor;
    const rows = this.visible();
    const edit = canEdit(this.user.role);
    return html`<h1 tabindex="-1">${t.title}</h1>
      ${edit ? html`<p class="row"><a href="#/projects/new">${t.new}</a> <a href="#/projects/import">${t.import}</a></p>` : ''}
      <form class="toolbar" role="search" @submit=${(e: Event) => (e.preventDefault(), this.load())}>
        <div class="field">
          <label for="q">${t.searchLabel}</label>
          <input id="q" type="search" .value=${this.q} @input=${(e: Event) => (this.q = (e.target as HTMLInputElement).value)} />
        </div>
        <button>${this.t.common.search}</button>
        ${this.sites.length > 1
          ? this.select('site', this.t.common.site, this.site, this.sites.map((s) => [s.id, s.name]), (v) => ((this.site = v), this.load()))
          : ''}
        ${this.select('review', t.review, this.review, REVIEWS.map((r) => [r, t.reviews[r]]), (v) => ((this.review = v), this.load()))}
        ${this.select('category', t.category, this.category, this.categoryOptions(), (v) => (this.category = v))}
        ${this.select('status', this.t.common.status, this.status, PROJECT_STATUSES.map((s) => [s, t.statuses[s]]), (v) => (this.status = v))}
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <p role="status">${this.note}</p>
      ${this.projects === null
        ? html`<p role="status">${this.t.loading}</p>`
        : rows.length
          ? html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t.title}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">${t.titleField}</th>
                    <th scope="col">${t.category}</th>
                    <th scope="col">${this.t.common.status}</th>
                    <th scope="col">${t.dates}</th>
                    <th scope="col">${t.review}</th>
                    <th scope="col">${this.t.common.actions}</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows.map(
                    (p) => html`<tr data-project=${p.id}>
                      <th scope="row">
                        ${p.properties.title}<br /><span class="note">${p.id} · ${p.properties.siteId}${p.properties.address ? ` · ${p.properties.address}` : ''}</span>
                      </th>
                      <td>${this.categoryLabel(p)}</td>
                      <td><span class="status">${t.statuses[p.properties.status]}</span></td>
                      <td>${p.properties.start}${p.properties.end ? ` – ${p.properties.end}` : ''}</td>
                      <td>${t.reviews[p.properties.review]}<br /><span class="note">${t.sources[p.properties.source]}</span></td>
                      <td>${this.actions(p)}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : html`<p>${this.t.common.none}</p>`}
      ${this.next ? html`<button type="button" @click=${() => this.load(true)}>${this.t.lists.more}</button>` : ''}
      ${this.next && (this.category || this.status) ? html`<p class="note">${t.filterLoaded}</p>` : ''}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-projects': AdminProjects;
  }
}
