import { html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { fill } from '../../core/i18n/index.ts';
import { ConsoleView, locale } from './view.ts';

export interface AdminResponse {
  id: string;
  respondent: string;
  answer: string;
  /** The answer as staff read it (free text: the text itself). */
  label: string;
  followUp: string | null;
  area: string | null;
  page: string;
  section: string | null;
  createdAt: string;
  updatedAt: string;
}

interface ResponsesPage {
  responses: AdminResponse[];
  nextCursor: string | null;
}

/**
 * One consultation's responses, newest first, 50 at a time from the server's cursor: what residents
 * wrote (free-text answers, "why?" follow-ups) is read here, as text.
 */
@customElement('civic-admin-responses')
export class AdminResponses extends ConsoleView {
  @property() consultation = '';
  /** Area id → label, for the area column. */
  @property({ attribute: false }) areas: { id: string; label: string }[] | null = null;
  @state() private rows: AdminResponse[] | null = null;
  @state() private next: string | null = null;
  @state() private busy = false;

  connectedCallback() {
    super.connectedCallback();
    void this.more();
  }

  private async more() {
    this.busy = true;
    const first = this.rows?.length ?? 0;
    const q = new URLSearchParams({ limit: '50' });
    if (this.next) q.set('cursor', this.next);
    const page = await this.attempt(() => this.api.get<ResponsesPage>(`/v1/admin/consultations/${encodeURIComponent(this.consultation)}/responses?${q}`));
    this.busy = false;
    if (!page) return;
    this.rows = [...(this.rows ?? []), ...page.responses];
    this.next = page.nextCursor;
    // Keyboard users continue at the first new response, not at the button that moved.
    if (first) {
      await this.updateComplete;
      this.renderRoot.querySelectorAll<HTMLElement>('tbody tr')[first]?.focus();
    }
  }

  render() {
    const t = this.t.responses;
    const lang = locale(this);
    const area = (id: string | null) => (id === null ? '' : (this.areas?.find((a) => a.id === id)?.label ?? id));
    if (this.rows === null) return this.error ? html`<p class="error" role="alert">${this.error}</p>` : html`<p role="status">${this.t.loading}</p>`;
    if (!this.rows.length) return html`<p>${t.none}</p>`;
    return html`${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <div class="table-wrap" tabindex="0" role="region" aria-label=${t.title}>
        <table>
          <thead>
            <tr>
              <th scope="col">${this.t.lists.when}</th>
              <th scope="col">${t.answer}</th>
              <th scope="col">${t.followUp}</th>
              ${this.areas?.length ? html`<th scope="col">${t.area}</th>` : ''}
              <th scope="col">${t.page}</th>
            </tr>
          </thead>
          <tbody>
            ${this.rows.map(
              (r) => html`<tr tabindex="-1" data-response=${r.id}>
                <td><time datetime=${r.updatedAt}>${new Date(r.updatedAt).toLocaleString(lang)}</time></td>
                <td dir="auto" class="answer">${r.label}</td>
                <td dir="auto" class="follow-up">${r.followUp ?? ''}</td>
                ${this.areas?.length ? html`<td>${area(r.area)}</td>` : ''}
                <td class="page">${r.page}${r.section ? html`<br /><span class="note">${r.section}</span>` : ''}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <p class="note" role="status">${fill(t.shown, { count: this.rows.length })}</p>
      ${this.next ? html`<button ?disabled=${this.busy} @click=${this.more}>${this.t.lists.more}</button>` : ''}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-responses': AdminResponses;
  }
}
