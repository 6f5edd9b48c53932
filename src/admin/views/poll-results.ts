import { html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { fill, plural } from '../../core/i18n/index.ts';
import { percent } from '../../core/i18n/percent.ts';
import type { AdminPoll, PollResults } from '../types.ts';
import type { Point } from './chart.ts';
import './chart.ts';
import { canEdit } from '../session.ts';
import { ConsoleView, locale } from './view.ts';

/** How often the open results screen asks for new counts (the admin results see every visibility). */
export const REFRESH_MS = 2000;
/** Participation is read again when the counts move, and at least this often (a new day begins). */
const ACTIVITY_MAX_AGE_MS = 60_000;

/** GET /v1/admin/polls/:id/activity (docs/api.md). */
interface PollActivity {
  voters: number;
  from: string | null;
  to: string | null;
  daily: { date: string; votes: number }[];
  earlier: number;
  byPage: { page: string | null; votes: number }[];
  otherPages: { pages: number; votes: number };
}

/** Live counts, participation per day (chart + table), the breakdowns by option and by page, and the exports of one poll. */
@customElement('civic-admin-poll-results')
export class AdminPollResults extends ConsoleView {
  @state() private poll: AdminPoll | null = null;
  @state() private results: PollResults | null = null;
  @state() private activity: PollActivity | null = null;
  private activityAt = 0;
  private timer?: ReturnType<typeof setTimeout>;

  private get path() {
    return `/v1/admin/polls/${encodeURIComponent(this.route.rest[0])}`;
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
    const p = await this.attempt(() => this.api.get<AdminPoll>(this.path));
    if (!p) return;
    this.poll = p;
    this.results = p.results;
    await this.refresh(false);
  }

  /** New counts every REFRESH_MS; the participation when they moved (or it got old, or was never read). */
  private async refresh(readResults = true) {
    if (!this.isConnected) return;
    try {
      let moved = false;
      if (readResults) {
        const r = await this.api.get<PollResults>(`${this.path}/results`);
        moved = r.version !== this.results?.version;
        if (moved) this.results = r;
      }
      if (moved || !this.activity || Date.now() - this.activityAt > ACTIVITY_MAX_AGE_MS) {
        this.activity = await this.api.get<PollActivity>(`${this.path}/activity`);
        this.activityAt = Date.now();
      }
      this.error = '';
    } catch (e) {
      this.error = this.errorText(e);
      this.activityAt = 0; // read it again next time, whatever failed
    }
    if (this.isConnected) this.timer = setTimeout(() => this.refresh(), REFRESH_MS);
  }

  render() {
    const t = this.t.results;
    const p = this.poll;
    const r = this.results;
    if (!p || !r) return this.error ? html`<p class="error" role="alert">${this.error}</p>` : html`<p role="status">${this.t.loading}</p>`;
    const lang = locale(this);
    const label = (id: string) => p.options.find((o) => o.id === id)?.label ?? id;
    const file = `poll-${p.id.replace(/[^a-zA-Z0-9_-]/g, '')}`;
    return html`<h1>${fill(t.title, { question: p.question })}</h1>
      <p class="note">${t.live}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <p class="voters" role="status" aria-live="polite">${plural(t.voters, r.voters, lang)}</p>
      <div class="row">
        <a href="#/embed?widget=poll&id=${encodeURIComponent(p.id)}">${this.t.polls.embed}</a>
        ${canEdit(this.user.role) // exports are the editors' (the server says so too)
          ? html`<a class="export-csv" href=${this.api.url(`${this.path}/export.csv`)} download="${file}.csv">${t.exportCsv}</a>
              <a class="export-json" href=${this.api.url(`${this.path}/export.json`)} download="${file}.json">${t.exportJson}</a>`
          : ''}
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
      ${this.renderActivity()}`;
  }

  private renderActivity() {
    const a = this.activity;
    const t = this.t.pollActivity;
    if (!a) return '';
    const points: Point[] = a.daily.map((d) => ({ label: d.date, value: d.votes }));
    return html`<h2 id="over-time">${this.t.results.overTime}</h2>
      <p class="note">${t.dailyNote}</p>
      ${a.daily.length
        ? html`<civic-admin-chart .points=${points} label=${t.chartLabel}></civic-admin-chart>
            ${a.earlier ? html`<p class="note earlier">${fill(t.earlier, { n: a.earlier, date: a.from ?? '' })}</p>` : ''}
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="over-time">
              <table class="daily" aria-labelledby="over-time">
                <thead>
                  <tr>
                    <th scope="col">${t.day}</th>
                    <th scope="col" class="num">${this.t.results.votes}</th>
                  </tr>
                </thead>
                <tbody>
                  ${a.daily.map((d) => html`<tr><th scope="row">${d.date}</th><td class="num">${d.votes}</td></tr>`)}
                </tbody>
              </table>
            </div>`
        : html`<p class="note">${t.noVotes}</p>`}
      <h2 id="by-page">${t.byPage}</h2>
      <p class="note">${t.byPageNote}</p>
      ${a.byPage.length
        ? html`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="by-page">
            <table class="by-page" aria-labelledby="by-page">
              <thead>
                <tr>
                  <th scope="col">${t.page}</th>
                  <th scope="col" class="num">${this.t.results.votes}</th>
                </tr>
              </thead>
              <tbody>
                ${a.byPage.map((b) => html`<tr><th scope="row" dir="auto">${b.page ?? t.noPage}</th><td class="num">${b.votes}</td></tr>`)}
                ${a.otherPages.pages
                  ? html`<tr class="other"><th scope="row">${fill(t.otherPages, { n: a.otherPages.pages })}</th><td class="num">${a.otherPages.votes}</td></tr>`
                  : ''}
              </tbody>
            </table>
          </div>`
        : html`<p class="note">${t.noVotes}</p>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-poll-results': AdminPollResults;
  }
}
