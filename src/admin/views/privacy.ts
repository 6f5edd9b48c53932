import { html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { fill } from '../../core/i18n/index.ts';
import { focusAlert } from './form-parts.ts';
import { ConsoleView } from './view.ts';

type Rows = Record<string, unknown>[];

export interface ParticipantExport {
  participant: string;
  exportedAt: string;
  votes: Rows;
  comments: Rows;
  commentVotes: Rows;
  reports: Rows;
  consultationResponses: Rows;
  projectSubmissions: Rows;
  bans: Rows;
}

interface Deletion {
  participant: string;
  deleted: Record<string, number>;
}

/** The kinds of rows, in the order staff read them back to the resident. */
const KINDS = ['votes', 'comments', 'commentVotes', 'reports', 'consultationResponses', 'projectSubmissions', 'bans'] as const;

/**
 * A resident's right of access and erasure (admins only): staff paste the participant token the
 * resident sent, see what is linked to it, hand over the JSON file, or delete it after a confirm step.
 */
@customElement('civic-admin-privacy')
export class AdminPrivacy extends ConsoleView {
  @state() private token = '';
  @state() private found: ParticipantExport | null = null;
  @state() private download = '';
  @state() private confirming = false;
  @state() private deleted: Deletion | null = null;

  disconnectedCallback() {
    super.disconnectedCallback();
    if (this.download) URL.revokeObjectURL(this.download);
  }

  private path() {
    return `/v1/admin/participants/${encodeURIComponent(this.token.trim())}`;
  }

  private reset() {
    if (this.download) URL.revokeObjectURL(this.download);
    this.found = null;
    this.download = '';
    this.confirming = false;
    this.deleted = null;
  }

  private async show(e: SubmitEvent) {
    e.preventDefault();
    this.reset();
    const data = await this.attempt(() => this.api.get<ParticipantExport>(`${this.path()}/export`));
    if (!data) return;
    this.found = data;
    this.download = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#found')?.focus();
  }

  private async confirmDelete() {
    this.confirming = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#confirm')?.focus();
  }

  private async erase() {
    const r = await this.attempt(() => this.api.del<Deletion>(this.path()));
    this.confirming = false;
    // The button that had the focus is gone: the alert takes it.
    if (!r) return focusAlert(this);
    this.reset();
    this.deleted = r;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#deleted')?.focus();
  }

  render() {
    const t = this.t.privacy;
    return html`<h1>${this.t.nav.privacy}</h1>
      <p>${t.intro}</p>
      <form class="toolbar" @submit=${this.show}>
        <div class="field">
          <label for="token">${t.token}</label>
          <input
            id="token"
            name="token"
            required
            maxlength="200"
            autocomplete="off"
            spellcheck="false"
            aria-describedby="token-hint"
            .value=${this.token}
            @input=${(e: Event) => ((this.token = (e.target as HTMLInputElement).value), this.reset())}
          />
          <span class="note" id="token-hint">${t.tokenHint}</span>
        </div>
        <button class="primary">${t.show}</button>
      </form>
      ${this.error ? html`<p class="error" role="alert" tabindex="-1">${this.error}</p>` : ''}
      ${this.found ? this.renderFound(this.found) : ''}
      ${this.deleted
        ? html`<section id="deleted" tabindex="-1" aria-labelledby="deleted-h">
            <h2 id="deleted-h">${t.deletedTitle}</h2>
            <p role="status">${t.deletedNote}</p>
            <ul>
              ${Object.entries(this.deleted.deleted).map(([k, n]) => html`<li data-kind=${k}>${(t.deletedKinds as Record<string, string>)[k] ?? k}: ${n}</li>`)}
            </ul>
          </section>`
        : ''}`;
  }

  private renderFound(d: ParticipantExport) {
    const t = this.t.privacy;
    const total = KINDS.reduce((n, k) => n + d[k].length, 0);
    // Bans stay on erasure (a banned resident must not come back by asking), so they alone delete nothing.
    const deletable = total - d.bans.length;
    return html`<section id="found" tabindex="-1" aria-labelledby="found-h">
      <h2 id="found-h">${fill(t.foundTitle, { id: d.participant })}</h2>
      <p role="status">${total ? fill(t.foundCount, { count: total }) : t.nothing}</p>
      <table>
        <caption class="note">${t.kindsCaption}</caption>
        <tbody>
          ${KINDS.map((k) => html`<tr data-kind=${k}><th scope="row">${t.kinds[k]}</th><td>${d[k].length}</td></tr>`)}
        </tbody>
      </table>
      <p><a href=${this.download} download=${`participant-${d.participant}.json`}>${t.downloadJson}</a></p>
      ${this.confirming
        ? html`<div id="confirm" role="group" tabindex="-1" aria-labelledby="confirm-h">
            <p id="confirm-h"><strong>${t.confirmText}</strong></p>
            <button class="primary" @click=${this.erase}>${t.deleteForever}</button>
            <button @click=${() => (this.confirming = false)}>${this.t.common.cancel}</button>
          </div>`
        : html`<p><button ?disabled=${!deletable} @click=${this.confirmDelete}>${t.delete}</button></p>`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-privacy': AdminPrivacy;
  }
}
