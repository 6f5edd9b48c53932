import { html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { plural } from '../../core/i18n/index.ts';
import type { Site } from '../types.ts';
import { focusAlert, loadSites, siteField } from './form-parts.ts';
import { ConsoleView, locale } from './view.ts';

interface ImportResult {
  imported: number;
  updated: number;
  errors: { row: number; message: string }[];
}

/** CSV by its name or type; anything else is sent as GeoJSON (the server says so if it is not). */
const isCsv = (f: File) => /\.csv$/i.test(f.name) || f.type === 'text/csv';

/**
 * `#/projects/import`: a GeoJSON or CSV file for one site. Valid rows are created at once (or,
 * with the id of a project of the site, update it); each refused row is listed with the server's
 * reason (row numbers as the server counts them).
 */
@customElement('civic-admin-project-import')
export class AdminProjectImport extends ConsoleView {
  @state() private sites: Site[] | null = null;
  @state() private result: ImportResult | null = null;
  @state() private busy = false;

  connectedCallback() {
    super.connectedCallback();
    void loadSites(this.api).then((s) => (this.sites = s));
  }

  /** The file goes as it is (text/csv or application/geo+json), with the session's CSRF token as every write. */
  private async upload(site: string, file: File): Promise<ImportResult> {
    return this.api.request<ImportResult>('POST', `/v1/admin/projects/import?site=${encodeURIComponent(site)}`, await file.text(), {
      contentType: isCsv(file) ? 'text/csv' : 'application/geo+json',
    });
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const file = f.get('file');
    if (!(file instanceof File) || !file.size) return;
    this.busy = true;
    this.result = null;
    const r = await this.attempt(() => this.upload(String(f.get('siteId') ?? ''), file));
    this.busy = false;
    if (r) this.result = r;
    else await focusAlert(this);
  }

  render() {
    const t = this.t.projectEditor;
    const r = this.result;
    return html`<h1>${t.importTitle}</h1>
      <p>${t.importIntro}</p>
      <form class="base" @submit=${this.submit}>
        ${siteField(this.t, this.sites)}
        <div class="field">
          <label for="file">${t.file}</label>
          <input id="file" name="file" type="file" required accept=".geojson,.json,.csv,application/geo+json,application/json,text/csv" />
        </div>
        <div class="row">
          <button class="primary" ?disabled=${this.busy}>${t.importButton}</button>
          <a href="#/projects">${t.backToList}</a>
        </div>
      </form>
      ${this.error ? html`<p class="error" role="alert" tabindex="-1">${this.error}</p>` : ''}
      <div role="status">
        ${this.busy ? html`<p>${t.importing}</p>` : ''}
        ${r
          ? html`<p class="imported">${plural(t.imported, r.imported, locale(this))}</p>
              ${r.updated ? html`<p class="updated">${plural(t.updated, r.updated, locale(this))}</p>` : ''}
              ${r.errors.length ? html`<p>${plural(t.refused, r.errors.length, locale(this))}</p>` : ''}`
          : ''}
      </div>
      ${r?.errors.length
        ? html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t.refusedRows}>
            <table class="refused">
              <thead>
                <tr>
                  <th scope="col" class="num">${t.row}</th>
                  <th scope="col">${t.reason}</th>
                </tr>
              </thead>
              <tbody>
                ${r.errors.map((x) => html`<tr><td class="num">${x.row}</td><td>${x.message}</td></tr>`)}
              </tbody>
            </table>
          </div>`
        : ''}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-project-import': AdminProjectImport;
  }
}
