import { html, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { canEdit, type Section } from '../session.ts';
import { ConsoleView, locale } from './view.ts';

type Row = Record<string, unknown>;

interface ListSpec {
  path: string;
  /** The array in the answer. */
  key: string;
  /** `show`: only for some roles (actions that change things). */
  columns: { label: (v: ListView) => string; cell: (r: Row, v: ListView) => TemplateResult | string; show?: (v: ListView) => boolean }[];
  searchable?: boolean;
  /** A status filter the API applies (`?status=`). */
  statuses?: ('open' | 'closed' | 'scheduled')[];
}

const s = (v: unknown) => (v == null ? '' : String(v));
const when = (v: unknown, el: ListView) => (v ? new Date(String(v)).toLocaleString(locale(el)) : '');

/** The read-only list views of the sections whose full screens come later: one table each. */
const SPECS: Partial<Record<Section, ListSpec>> = {
  consultations: {
    path: '/v1/admin/consultations',
    key: 'consultations',
    searchable: true,
    statuses: ['open', 'scheduled', 'closed'],
    columns: [
      { label: (v) => v.t.lists.question, cell: (r) => html`<a href="#/consultations/${encodeURIComponent(s(r.id))}">${s(r.question)}</a><br /><span class="note">${s(r.id)}</span>` },
      { label: (v) => v.t.common.status, cell: (r, v) => v.t.common[r.status as 'open' | 'closed' | 'scheduled'] ?? s(r.status) },
      { label: (v) => v.t.lists.respondents, cell: (r) => s((r.results as Row | undefined)?.respondents) },
      { label: (v) => v.t.polls.embed, cell: (r) => html`<a href="#/embed?widget=consultation&id=${encodeURIComponent(s(r.id))}">${s(r.id)}</a>` },
      {
        label: (v) => v.t.common.actions,
        show: (v) => canEdit(v.user.role),
        cell: (r, v) => html`<div class="row">
          <a href="#/consultations/${encodeURIComponent(s(r.id))}/edit">${v.t.common.edit}<span class="sr">: ${s(r.question)}</span></a>
          <a href="#/consultations/new?from=${encodeURIComponent(s(r.id))}">${v.t.consultationForm.duplicate}<span class="sr">: ${s(r.question)}</span></a>
        </div>`,
      },
    ],
  },
  sites: {
    path: '/v1/admin/sites',
    key: 'sites',
    columns: [
      { label: (v) => v.t.lists.name, cell: (r) => html`<a href="#/sites/${encodeURIComponent(s(r.id))}">${s(r.name)}</a><br /><span class="note">${s(r.id)}</span>` },
      { label: (v) => v.t.lists.origins, cell: (r) => ((r.origins as string[]) ?? []).join(', ') },
      { label: (v) => v.t.common.created, cell: (r, v) => when(r.createdAt, v) },
    ],
  },
};

/** A table of one section's items, with a search box where the API searches. */
@customElement('civic-admin-list')
export class ListView extends ConsoleView {
  @property() section: Section = 'consultations';
  @state() private rows: Row[] | null = null;
  @state() private q = '';
  @state() private status = '';

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    const spec = SPECS[this.section];
    if (!spec) return;
    const q = new URLSearchParams();
    if (spec.searchable && this.q) q.set('q', this.q);
    if (spec.statuses && this.status) q.set('status', this.status);
    const r = await this.latest(() => this.api.get<Record<string, Row[]>>(q.size ? `${spec.path}?${q}` : spec.path));
    this.rows = r?.[spec.key] ?? [];
  }

  render() {
    const spec = SPECS[this.section];
    const title = this.t.nav[this.section];
    if (!spec) return html`<h1>${title}</h1>`;
    return html`<h1>${title}</h1>
      ${this.section === 'sites' ? html`<p><a href="#/sites/new">${this.t.site.new}</a></p>` : ''}
      ${this.section === 'consultations' && canEdit(this.user.role) ? html`<p><a href="#/consultations/new">${this.t.consultationForm.new}</a></p>` : ''}
      ${spec.searchable
        ? html`<form class="toolbar" role="search" @submit=${(e: Event) => (e.preventDefault(), this.load())}>
            <div class="field">
              <label for="q">${this.t.common.search}</label>
              <input id="q" type="search" .value=${this.q} @input=${(e: Event) => (this.q = (e.target as HTMLInputElement).value)} />
            </div>
            ${spec.statuses
              ? html`<div class="field">
                  <label for="status">${this.t.common.status}</label>
                  <select id="status" @change=${(e: Event) => ((this.status = (e.target as HTMLSelectElement).value), this.load())}>
                    <option value="">${this.t.common.all}</option>
                    ${spec.statuses.map((st) => html`<option value=${st} ?selected=${this.status === st}>${this.t.common[st]}</option>`)}
                  </select>
                </div>`
              : ''}
            <button>${this.t.common.search}</button>
          </form>`
        : ''}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      ${this.rows === null
        ? html`<p role="status">${this.t.loading}</p>`
        : this.rows.length
          ? html`<div class="table-wrap" tabindex="0" role="region" aria-label=${title}>
              <table>
                <thead>
                  <tr>
                    ${spec.columns.filter((c) => !c.show || c.show(this)).map((c) => html`<th scope="col">${c.label(this)}</th>`)}
                  </tr>
                </thead>
                <tbody>
                  ${this.rows.map((r) => html`<tr>${spec.columns.filter((c) => !c.show || c.show(this)).map((c) => html`<td>${c.cell(r, this)}</td>`)}</tr>`)}
                </tbody>
              </table>
            </div>`
          : html`<p>${this.t.common.none}</p>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-list': ListView;
  }
}
