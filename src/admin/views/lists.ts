import { html, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Section } from '../session.ts';
import { ConsoleView, locale } from './view.ts';

type Row = Record<string, unknown>;

interface ListSpec {
  path: string;
  /** The array in the answer. */
  key: string;
  columns: { label: (v: ListView) => string; cell: (r: Row, v: ListView) => TemplateResult | string }[];
  searchable?: boolean;
}

const s = (v: unknown) => (v == null ? '' : String(v));
const when = (v: unknown, el: ListView) => (v ? new Date(String(v)).toLocaleString(locale(el)) : '');
const props = (r: Row) => (r.properties ?? {}) as Row;

/** The read-only list views of the sections whose full screens come later: one table each. */
const SPECS: Partial<Record<Section, ListSpec>> = {
  consultations: {
    path: '/v1/admin/consultations',
    key: 'consultations',
    searchable: true,
    columns: [
      { label: (v) => v.t.lists.question, cell: (r) => html`<a href="#/consultations/${encodeURIComponent(s(r.id))}">${s(r.question)}</a><br /><span class="note">${s(r.id)}</span>` },
      { label: (v) => v.t.common.status, cell: (r) => s(r.status) },
      { label: (v) => v.t.lists.respondents, cell: (r) => s((r.results as Row | undefined)?.respondents) },
      { label: (v) => v.t.polls.embed, cell: (r) => html`<a href="#/embed?widget=consultation&id=${encodeURIComponent(s(r.id))}">${s(r.id)}</a>` },
    ],
  },
  projects: {
    path: '/v1/admin/projects',
    key: 'projects',
    searchable: true,
    columns: [
      { label: (v) => v.t.lists.title, cell: (r) => s(props(r).title) },
      { label: (v) => v.t.lists.category, cell: (r) => s(props(r).category) },
      { label: (v) => v.t.common.status, cell: (r) => s(props(r).status) },
      { label: (v) => v.t.lists.review, cell: (r) => s(props(r).review) },
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
  audit: {
    path: '/v1/admin/audit',
    key: 'entries',
    columns: [
      { label: (v) => v.t.lists.when, cell: (r, v) => when(r.at, v) },
      { label: (v) => v.t.lists.who, cell: (r) => (typeof r.actor === 'object' ? s((r.actor as Row)?.email) : s(r.actor)) },
      { label: (v) => v.t.lists.action, cell: (r) => s(r.action) },
      { label: (v) => v.t.lists.target, cell: (r) => `${s((r.target as Row)?.type)} ${s((r.target as Row)?.id)}` },
    ],
  },
};

/** A table of one section's items, with a search box where the API searches. */
@customElement('civic-admin-list')
export class ListView extends ConsoleView {
  @property() section: Section = 'consultations';
  @state() private rows: Row[] | null = null;
  @state() private q = '';

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    const spec = SPECS[this.section];
    if (!spec) return;
    const q = spec.searchable && this.q ? `?q=${encodeURIComponent(this.q)}` : '';
    const r = await this.attempt(() => this.api.get<Record<string, Row[]>>(spec.path + q));
    this.rows = r?.[spec.key] ?? [];
  }

  render() {
    const spec = SPECS[this.section];
    const title = this.t.nav[this.section];
    if (!spec) return html`<h1>${title}</h1>`;
    return html`<h1>${title}</h1>
      ${this.section === 'sites' ? html`<p><a href="#/sites/new">${this.t.site.new}</a></p>` : ''}
      ${spec.searchable
        ? html`<form class="toolbar" role="search" @submit=${(e: Event) => (e.preventDefault(), this.load())}>
            <div class="field">
              <label for="q">${this.t.common.search}</label>
              <input id="q" type="search" .value=${this.q} @input=${(e: Event) => (this.q = (e.target as HTMLInputElement).value)} />
            </div>
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
                    ${spec.columns.map((c) => html`<th scope="col">${c.label(this)}</th>`)}
                  </tr>
                </thead>
                <tbody>
                  ${this.rows.map((r) => html`<tr>${spec.columns.map((c) => html`<td>${c.cell(r, this)}</td>`)}</tr>`)}
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
