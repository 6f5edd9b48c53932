import { html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { fill, plural } from '../../core/i18n/index.ts';
import { canEdit } from '../session.ts';
import type { AdminConsultation, OutcomeStatus } from '../types.ts';
import './consultation-responses.ts';
import type { Point } from './chart.ts';
import './chart.ts';
import { ConsoleView, locale } from './view.ts';

const OUTCOME: OutcomeStatus[] = ['open', 'under-review', 'decided', 'implemented'];

interface Results {
  respondents: number;
  answers: { answer: string; label: string; count: number; percent: number }[];
  byArea: { area: string | null; label: string | null; respondents: number }[];
  byPage: { page: string; respondents: number }[];
  daily: { date: string; responses: number }[];
  followUps: number;
}

/** One consultation: results (answers, by area, by page, per day as chart and table), export, open/close, outcome. */
@customElement('civic-admin-consultation')
export class AdminConsultationView extends ConsoleView {
  @state() private item: AdminConsultation | null = null;
  @state() private results: Results | null = null;
  @state() private note = '';

  private get path() {
    return `/v1/admin/consultations/${encodeURIComponent(this.route.rest[0])}`;
  }

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    await this.attempt(async () => {
      const [item, results] = await Promise.all([this.api.get<AdminConsultation>(this.path), this.api.get<Results>(`${this.path}/results`)]);
      this.item = item;
      this.results = results;
    });
  }

  private async setOpen(open: boolean) {
    const r = await this.attempt(() => this.api.post<AdminConsultation>(`${this.path}/${open ? 'open' : 'close'}`));
    if (r) this.item = r;
  }

  private async publish(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const link = String(f.get('link') ?? '').trim();
    const outcome = await this.attempt(() =>
      this.api.put<AdminConsultation['outcome']>(`${this.path}/outcome`, {
        status: f.get('status'),
        text: String(f.get('text') ?? '').trim(),
        date: f.get('date'),
        link: link || null,
      }),
    );
    if (outcome) {
      this.item = { ...this.item!, outcome };
      this.note = this.t.consultation.published;
    }
  }

  private async withdraw() {
    const ok = await this.attempt(() => this.api.del(`${this.path}/outcome`).then(() => true));
    if (ok) {
      this.item = { ...this.item!, outcome: null };
      this.note = this.t.consultation.withdrawn;
    }
  }

  private table(label: string, head: string[], rows: (string | number)[][]) {
    return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${label}>
      <table>
        <thead>
          <tr>
            ${head.map((h, i) => html`<th scope="col" class=${i ? 'num' : ''}>${h}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${rows.map((r) => html`<tr><th scope="row">${r[0]}</th>${r.slice(1).map((c) => html`<td class="num">${c}</td>`)}</tr>`)}
        </tbody>
      </table>
    </div>`;
  }

  render() {
    const c = this.item;
    const r = this.results;
    const t = this.t.consultation;
    if (!c || !r) return this.error ? html`<p class="error" role="alert">${this.error}</p>` : html`<p role="status">${this.t.loading}</p>`;
    const lang = locale(this);
    const edit = canEdit(this.user.role);
    const points: Point[] = r.daily.map((d) => ({ label: d.date, value: d.responses }));
    const o = c.outcome;
    return html`<h1>${c.question}</h1>
      <p><span class="status">${this.t.common[c.status]}</span> · <span class="respondents">${plural(t.respondents, r.respondents, lang)}</span></p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <p role="status">${this.note}</p>
      <div class="row">
        <a href="#/embed?widget=consultation&id=${encodeURIComponent(c.id)}">${this.t.polls.embed}</a>
        ${edit
          ? html`<a href="#/consultations/${encodeURIComponent(c.id)}/edit">${this.t.common.edit}</a>
              <a href="#/consultations/new?from=${encodeURIComponent(c.id)}">${this.t.consultationForm.duplicate}</a>`
          : ''}
        ${edit
          ? html`<a href=${this.api.url(`${this.path}/export.csv`)} download="consultation-${c.id}.csv">${this.t.results.exportCsv}</a>
              <a href=${this.api.url(`${this.path}/export.json`)} download="consultation-${c.id}.json">${this.t.results.exportJson}</a>`
          : ''}
        ${edit ? html`<button class="link" @click=${() => this.setOpen(c.status !== 'open')}>${c.status === 'open' ? this.t.common.close : this.t.common.open}</button>` : ''}
      </div>
      <h2>${t.answers}</h2>
      ${this.table(
        t.answers,
        [t.answer, t.count, t.percent],
        r.answers.map((a) => [a.label, a.count, `${a.percent.toLocaleString(lang)} %`]),
      )}
      <p class="note">${fill(t.followUps, { n: r.followUps })}</p>
      ${r.byArea.length
        ? html`<h2>${t.byArea}</h2>
            ${this.table(
              t.byArea,
              [t.area, this.t.lists.respondents],
              r.byArea.map((a) => [a.label ?? a.area ?? t.noArea, a.respondents]),
            )}`
        : ''}
      <h2>${t.byPage}</h2>
      ${this.table(
        t.byPage,
        [t.page, this.t.lists.respondents],
        r.byPage.map((p) => [p.page, p.respondents]),
      )}
      <h2>${t.daily}</h2>
      <civic-admin-chart .points=${points} label=${t.chartLabel}></civic-admin-chart>
      ${this.table(
        t.daily,
        [t.day, t.responses],
        r.daily.map((d) => [d.date, d.responses]),
      )}
      <h2>${this.t.responses.title}</h2>
      <civic-admin-responses .api=${this.api} .t=${this.t} .user=${this.user} .consultation=${c.id} .areas=${c.areas}></civic-admin-responses>
      ${edit
        ? html`<h2 id="outcome">${t.outcome}</h2>
            <form class="base" aria-labelledby="outcome" @submit=${this.publish}>
              <div class="field">
                <label for="o-status">${t.outcomeStatus}</label>
                <select id="o-status" name="status">
                  ${OUTCOME.map((s) => html`<option value=${s} ?selected=${(o?.status ?? 'decided') === s}>${t.outcomeStatuses[s]}</option>`)}
                </select>
              </div>
              <div class="field">
                <label for="o-text">${t.outcomeText}</label>
                <textarea id="o-text" name="text" rows="4" maxlength="2000" required .value=${o?.text ?? ''}></textarea>
              </div>
              <div class="row">
                <div class="field">
                  <label for="o-date">${t.outcomeDate}</label>
                  <input id="o-date" name="date" type="date" required .value=${o?.date ?? new Date().toISOString().slice(0, 10)} />
                </div>
                <div class="field">
                  <label for="o-link">${t.outcomeLink}</label>
                  <input id="o-link" name="link" type="url" .value=${o?.link ?? ''} />
                </div>
              </div>
              <div class="row">
                <button class="primary">${t.publish}</button>
                ${o ? html`<button type="button" @click=${this.withdraw}>${t.withdraw}</button>` : ''}
              </div>
            </form>`
        : ''}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-consultation': AdminConsultationView;
  }
}
