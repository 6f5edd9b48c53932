import { html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { fill, percent, plural } from '../../core/i18n/index.ts';
import type { AdminPoll, PollResults } from '../types.ts';
import type { Point } from './chart.ts';
import './chart.ts';
import { ConsoleView, locale } from './view.ts';

/** How often the open results screen asks for new counts (the admin results see every visibility). */
export const REFRESH_MS = 2000;

/** Live counts, participation over time (chart + table), the breakdown and the exports of one poll. */
@customElement('civic-admin-poll-results')
export class AdminPollResults extends ConsoleView {
  @state() private poll: AdminPoll | null = null;
  @state() private results: PollResults | null = null;
  @state() private samples: { at: Date; voters: number }[] = [];
  private timer?: ReturnType<typeof setTimeout>;

  private get pollId() {
    return this.route.rest[0];
  }

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  private async load() {
    const p = await this.attempt(() => this.api.get<AdminPoll>(`/v1/admin/polls/${encodeURIComponent(this.pollId)}`));
    if (!p) return;
    this.poll = p;
    this.take(p.results);
    this.timer = setTimeout(() => this.refresh(), REFRESH_MS);
  }

  private take(r: PollResults) {
    if (this.results && this.results.version === r.version) return;
    this.results = r;
    this.samples = [...this.samples, { at: new Date(), voters: r.voters }].slice(-60);
  }

  private async refresh() {
    if (!this.isConnected) return;
    try {
      this.take(await this.api.get<PollResults>(`/v1/admin/polls/${encodeURIComponent(this.pollId)}/results`));
      this.error = '';
    } catch (e) {
      this.error = this.errorText(e);
    }
    this.timer = setTimeout(() => this.refresh(), REFRESH_MS);
  }

  /** The poll and its counts as a JSON file, built here (the server has no JSON export for polls). */
  private exportJson() {
    const data = JSON.stringify({ poll: { ...this.poll, results: undefined }, results: this.results, exportedAt: new Date().toISOString() }, null, 2);
    const url = URL.createObjectURL(new Blob([data], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `poll-${this.pollId}-results.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  render() {
    const t = this.t.results;
    const p = this.poll;
    const r = this.results;
    if (!p || !r) return this.error ? html`<p class="error" role="alert">${this.error}</p>` : html`<p role="status">${this.t.loading}</p>`;
    const lang = locale(this);
    const time = (d: Date) => d.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    const points: Point[] = this.samples.map((s) => ({ label: time(s.at), value: s.voters }));
    const label = (id: string) => p.options.find((o) => o.id === id)?.label ?? id;
    return html`<h1>${fill(t.title, { question: p.question })}</h1>
      <p class="note">${t.live}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <p class="voters" role="status" aria-live="polite">${plural(t.voters, r.voters, lang)}</p>
      <div class="row">
        <a href="#/embed?widget=poll&id=${encodeURIComponent(p.id)}">${this.t.polls.embed}</a>
        <a class="export-csv" href=${this.api.url(`/v1/admin/polls/${encodeURIComponent(p.id)}/export.csv`)} download="poll-${p.id}.csv">${t.exportCsv}</a>
        <button class="link export-json" @click=${this.exportJson}>${t.exportJson}</button>
      </div>
      <h2>${t.breakdown}</h2>
      <div class="table-wrap" tabindex="0" role="region" aria-label=${t.breakdown}>
        <table class="breakdown">
          <thead>
            <tr>
              <th scope="col">${t.option}</th>
              <th scope="col" class="num">${t.votes}</th>
              ${p.type === 'ranked' ? html`<th scope="col" class="num">${t.points}</th>` : ''}
              <th scope="col" class="num">${t.share}</th>
            </tr>
          </thead>
          <tbody>
            ${r.options.map(
              (o) => html`<tr>
                <th scope="row">${label(o.id)}</th>
                <td class="num">${o.votes}</td>
                ${p.type === 'ranked' ? html`<td class="num">${o.points}</td>` : ''}
                <td class="num">${percent(lang).format(r.voters ? o.votes / r.voters : 0)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <h2 id="over-time">${t.overTime}</h2>
      <p class="note">${t.overTimeNote}</p>
      <civic-admin-chart .points=${points} label=${t.chartLabel}></civic-admin-chart>
      <div class="table-wrap" tabindex="0" role="region" aria-label=${t.overTime}>
        <table aria-labelledby="over-time">
          <thead>
            <tr>
              <th scope="col">${t.time}</th>
              <th scope="col" class="num">${this.t.polls.voters}</th>
            </tr>
          </thead>
          <tbody>
            ${points.map((pt) => html`<tr><td>${pt.label}</td><td class="num">${pt.value}</td></tr>`)}
          </tbody>
        </table>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-poll-results': AdminPollResults;
  }
}
