import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import type { ApiError } from '../../core/api-client.ts';
import { bar } from '../../core/bars.ts';
import { CivicElement } from '../../core/civic-element.ts';
import { fill, plural } from '../../core/i18n/index.ts';
import { percent } from '../../core/i18n/percent.ts';
import type { Delivered, Queued } from '../../core/outbox.ts';
import { pageUrl } from '../../core/page-url.ts';
import { forgetParticipant, participant, rememberParticipant, storedParticipant } from '../../core/participant.ts';
import { consultationStyles } from './civic-consultation.styles.ts';
import type { ConsultationView, MyResponse, ResponseResult } from './consultation.types.ts';
import { consultationStrings, type ConsultationStrings } from './i18n/index.ts';
import { updateRecord } from './record.ts';

/** Fired after the server stored an answer (the first one, a change, or the follow-up). */
export class CivicAnswerEvent extends Event {
  constructor(
    readonly consultation: string,
    readonly response: MyResponse,
  ) {
    super('civic-answer', { bubbles: true, composed: true });
  }
}

const FACES = ['😞', '😕', '😐', '😊', '😄'];
const DAY = 864e5;

/**
 * A one-question consultation card for an article column: yes/no, agreement scale, faces, single
 * choice or a short text; one tap answers. Frequency caps and sampling are decided on the device,
 * without cookies; "you said, we did" closes the loop.
 *
 * @tagname civic-consultation
 * @summary Compact micro-consultation card with results and outcome.
 * @event civic-answer - CivicAnswerEvent, after the server stored an answer.
 * @event civic-error - CivicErrorEvent, when the card cannot be shown.
 * @csspart base - The card's box.
 * @csspart form - The question form.
 * @csspart question - The question (the fieldset's legend, or a paragraph once answered).
 * @csspart option - One answer (label and radio).
 * @csspart dismiss - The "Not now" button.
 * @csspart thanks - The thank-you or closed message.
 * @csspart follow-up - The optional "why?" and area form.
 * @csspart results - The results.
 * @csspart result - One result row.
 * @csspart outcome - "You said, we did".
 * @csspart error - An error message with its retry button.
 * @cssproperty --civic-color-accent - Buttons, focus rings, bars.
 * @cssproperty --civic-color-text - Text colour.
 * @cssproperty --civic-color-surface - Background.
 * @cssproperty --civic-color-border - Borders and the skeleton.
 * @cssproperty --civic-radius - Corner radius.
 * @cssproperty --civic-space - Inner spacing.
 * @cssproperty --civic-min-block-size - Height reserved while loading, and the question's height (default 16rem).
 */
export class CivicConsultation extends CivicElement<ConsultationStrings> {
  static styles = [CivicElement.styles, consultationStyles];

  static properties: PropertyDeclarations = {
    consultation: {},
    section: {},
    site: {},
    data: { state: true },
    editing: { state: true },
    stage: { state: true },
    sending: { state: true },
    actionError: { state: true },
    said: { state: true },
    draft: { state: true },
    why: { state: true },
    queued: { state: true },
  };

  protected readonly pack = consultationStrings;
  protected keepsWrites = true;
  /** The consultation's id; without it, the one the site targets at this page (and `section`). */
  consultation?: string;
  /** The page's section (e.g. `mobility`), for targeting and the staff's breakdown. */
  section?: string;
  /** The site the page belongs to; default: the one whose allowed origins include this page. */
  site?: string;

  /** null: nothing to ask here (none targeted, quiet, sampled out or dismissed). */
  private data?: ConsultationView | null;
  private editing = false;
  /** 0 as loaded, 1 just answered (thank you and follow-up), 2 follow-up sent. */
  private stage = 0;
  private sending = false;
  private actionError?: unknown;
  /** An answer waits on the device for the connection (src/core/outbox.ts). */
  private queued = false;
  private retry = () => {};
  /** The polite live region: the outcome when new, the characters left near the limit. */
  private said = '';
  private draft = '';
  private why = '';
  private area = '';
  /** The outcome is newer than what this resident saw: highlighted and announced. */
  private isNew = false;
  private gone = false;
  private arrow = false;
  private timer?: ReturnType<typeof setTimeout>;
  /** Reused while the same answer is retried, so the server stores it once. */
  private key = '';
  private sent = '';

  protected contentKey() {
    return `${this.consultation} ${this.section} ${this.site}`;
  }

  protected async fetchContent() {
    try {
      await this.#load();
    } finally {
      this.#resume().catch(() => {}); // a damaged queue shows nothing rather than escape into the page
    }
  }

  /** This card's queued answer: for its consultation, or (not loaded yet) one sent from this page. */
  #mine = (q: Queued) =>
    this.data ? q.slot === 'consultation:' + this.data.id : q.slot === 'consultation:' + this.consultation || (q.body.page === pageUrl() && !this.consultation);

  /** After a reload: an answer still waiting is shown as waiting, and sent if the server answers now. */
  async #resume() {
    const [q] = this.client.hasOutbox ? (await this.client.outbox()).waiting(this, this.client, this.#mine, this.#delivered) : [];
    if (!q) return;
    this.queued = true;
    const d = this.data;
    if (d?.status === 'open') {
      const b = q.body as { answer: string; followUp?: string | null; area?: string | null };
      // Shown where it was given: the question with the answer chosen, or the follow-up.
      if (d.myResponse && (b.followUp || b.area) && b.answer === d.myResponse.answer) {
        this.stage = 1;
        this.why = b.followUp ?? '';
        this.area = b.area ?? '';
      } else {
        this.editing = !!d.myResponse;
        this.draft = b.answer;
      }
    }
  }

  /** The queued answer was answered: stored (the usual thank-you), refused (its error), or sent by another tab. */
  #delivered = ({ item, data, error }: Delivered) => {
    if (!this.#mine(item)) return;
    this.queued = false;
    const d = this.data;
    if (!d || this.failure || !(data || error)) return this.reload();
    if (error) return void (this.actionError = error);
    this.#answered(d, data as ResponseResult, item.body.followUp || item.body.area ? 2 : 1);
  };

  async #load() {
    const c = this.client;
    const opts = { participant: storedParticipant(c) };
    const q = new URLSearchParams({ page: pageUrl() });
    if (this.section) q.set('section', this.section);
    if (this.site) q.set('site', this.site);
    const d = this.consultation
      ? await c.get<ConsultationView>(`v1/consultations/${encodeURIComponent(this.consultation)}`, opts)
      : (await c.get<{ consultation: ConsultationView | null }>(`v1/consultations/active?${q}`, opts)).consultation;
    this.editing = false;
    this.stage = 0;
    this.actionError = undefined;
    this.data = d && this.shows(d) ? d : null;
    // One tap sends the answer: the participant token is fetched now, not after the tap (it stays
    // in memory until the resident answers, see participant.ts).
    if (this.data?.status === 'open' && !this.data.myResponse) participant(c).catch(() => {});
  }

  /** Whether to show a consultation: a new question only if not quiet, not dismissed and drawn. */
  private shows(d: ConsultationView) {
    let yes = true;
    this.isNew = false;
    updateRecord(d.siteId, (r) => {
      const o = d.outcome;
      if (d.myResponse) {
        // An outcome newer than the one this resident saw is highlighted once.
        if (o) this.isNew = (r.seen?.[d.id] ?? '') < o.updatedAt;
        this.seen(r, d);
      } else if (d.status !== 'closed') {
        yes = d.status === 'open' && !r.dismissed?.includes(d.id) && !((r.quietUntil ?? 0) > Date.now());
        if (yes && d.sampling > 1) yes = ((r.draws ??= {})[d.id] ??= Math.random()) * d.sampling < 1;
      }
    });
    return yes;
  }

  private seen(r: { seen?: Record<string, string> }, d: ConsultationView) {
    if (d.outcome) (r.seen ??= {})[d.id] = d.outcome.updatedAt;
  }

  protected updated(changed: PropertyValues) {
    super.updated(changed);
    // Nothing to ask: the card collapses, and the host page can tell (`civic-consultation[hidden]`).
    const gone = this.loaded && !this.failure && !this.data;
    if (gone !== this.gone) this.hidden = this.gone = gone;
    const o = this.data?.outcome;
    if (changed.has('loaded') && this.loaded && this.isNew && o)
      setTimeout(() => (this.said = `${this.s.new}: ${this.s.outcome}. ${this.status(o.status)}. ${o.text}`), 500);
  }

  /** The answers in display order, as [value, label]. */
  private choices(d: ConsultationView): [string, string][] {
    const s = this.s;
    const five = (label: (i: number) => string) => FACES.map((_, i): [string, string] => [String(i + 1), label(i)]);
    if (d.type === 'yes-no') return [['yes', s.yes], ['no', s.no], ...(d.notSure ? [['not-sure', s.notSure] as [string, string]] : [])];
    const ends = this.ends(d);
    if (d.type === 'scale') return five((i) => `${i + 1}${ends[i] && ` (${ends[i]})`}`);
    if (d.type === 'emoji') return five((i) => s.faces[i]);
    return d.options.map((o) => [o.id, o.label]);
  }

  /** The agreement scale's words for 1 … 5: both ends and the middle. */
  private ends(d: ConsultationView) {
    const l = d.scaleLabels ?? this.s;
    return [l.low, '', l.mid, '', l.high];
  }

  private label(d: ConsultationView, answer: string) {
    return this.choices(d).find(([v]) => v === answer)?.[1] ?? answer;
  }

  private status(status: string) {
    return this.s[status === 'under-review' ? 'underReview' : (status as 'open')];
  }

  protected renderContent() {
    const d = this.data;
    if (!d) return html``;
    return html`${d.status === 'open' && (!d.myResponse || this.editing) ? this.renderAsk(d) : this.renderDone(d)}
      ${this.renderOutcome(d)}
      <p class="sr" role="status">${this.said}</p>`;
  }

  private renderAsk(d: ConsultationView) {
    const s = this.s;
    const text = d.type === 'text';
    // While an answer waits, the question shows it as chosen.
    const mine = this.queued ? this.draft : d.myResponse?.answer;
    const described = [d.description ? 'd' : '', text ? '' : 'h'].join(' ').trim();
    return html`<form part="form" class="ask" @submit=${this.submitText}>
      <fieldset aria-describedby=${described || nothing} @keydown=${this.keys} @keyup=${() => (this.arrow = false)}>
        <legend part="question" id="q" class="q" dir="auto">${d.question}</legend>
        ${d.description ? html`<p id="d" dir="auto">${d.description}</p>` : nothing}
        ${text
          ? this.textarea('t', d.maxLength, this.draft, (v) => (this.draft = v), 'q')
          : html`<span id="h" class="sr">${s.hint}</span>
              <div class="opts ${d.type}">
                ${this.choices(d).map(
                  ([v, label], i) => html`<label part="option">
                    <input type="radio" name="a" value=${v} .checked=${v === mine} @click=${this.pick} />
                    ${d.type === 'emoji'
                      ? html`<span class="face" aria-hidden="true">${FACES[i]}</span><span class="t">${label}</span>`
                      : d.type === 'scale'
                        ? html`${v}<span class="sr">${label.slice(1)}</span>`
                        : html`<span dir="auto">${label}</span>`}
                  </label>`,
                )}
              </div>
              ${d.type === 'scale'
                ? html`<div class="ends small" aria-hidden="true">${this.ends(d).filter(Boolean).map((w) => html`<span>${w}</span>`)}</div>`
                : nothing}`}
      </fieldset>
      ${this.renderActionError()}
      ${text ? html`<p><button class="primary" ?disabled=${this.sending || !this.draft.trim()}>${s.send}</button></p>` : nothing}
      <div class="foot">
        <button type="button" part="dismiss" @click=${this.editing ? this.cancel : this.dismiss}>${this.editing ? s.cancel : s.notNow}</button>
        <p class="muted small">${s.privacy}</p>
      </div>
    </form>`;
  }

  /** A textarea with its counter; screen readers hear the count only near the limit, after a pause. */
  private textarea(id: string, max: number, value: string, set: (v: string) => void, labelledby?: string) {
    const left = (v: string) => plural(this.s.charsLeft, max - v.length, this.locale);
    return html`<textarea id=${id} rows="3" maxlength=${max} aria-labelledby=${labelledby ?? nothing} aria-describedby="${id}c"
        .value=${value}
        @input=${(e: InputEvent) => {
          const v = (e.target as HTMLTextAreaElement).value;
          set(v);
          clearTimeout(this.timer);
          if (max - v.length <= max / 5) this.timer = setTimeout(() => (this.said = left(v)), 1000);
        }}></textarea>
      <span id="${id}c" class="muted small counter">${left(value)}</span>`;
  }

  // Arrow keys move through the radio group without sending; a tap, a click, Space or Enter sends
  // (Space on a radio that arrows already checked would do nothing by itself).
  private keys = (e: KeyboardEvent) => {
    const t = e.target as HTMLInputElement;
    this.arrow = e.key.startsWith('Arrow');
    if ((e.key === 'Enter' || e.key === ' ') && t.type === 'radio') {
      e.preventDefault();
      t.checked = true;
      this.answer(t.value);
    }
  };

  private pick = (e: Event) => this.arrow || this.answer((e.target as HTMLInputElement).value);

  private submitText = (e: Event) => {
    e.preventDefault();
    if (this.draft.trim()) this.answer(this.draft.trim());
  };

  /** An answer, new or changed: keeps the follow-up and area the resident gave before. */
  private answer(answer: string) {
    const m = this.data!.myResponse;
    return this.send(answer, m?.followUp ?? null, m?.area ?? null, 1);
  }

  private async send(answer: string, followUp: string | null, area: string | null, stage: number) {
    const d = this.data!;
    if (this.sending) return;
    this.sending = true;
    this.actionError = undefined;
    const c = this.client;
    const body = {
      answer,
      page: pageUrl(),
      section: this.section || null,
      locale: this.locale,
      ...(d.followUp ? { followUp } : {}),
      ...(d.areas?.length ? { area } : {}),
    };
    const json = JSON.stringify(body);
    if (json !== this.sent) (this.sent = json), (this.key = crypto.randomUUID());
    const path = `v1/consultations/${encodeURIComponent(d.id)}/responses`;
    // Kept on the device when the server cannot be reached. `error` null: an older answer waits,
    // this one replaces it in the queue (the newest is what counts).
    const slot = 'consultation:' + d.id;
    const keep = async (error: unknown) => {
      const item = { slot, path, body, key: this.key };
      if (!(await this.client.outbox().then((o) => o.queue(this, c, error, item, this.#delivered), () => false))) return false;
      this.draft = answer; // the question keeps showing it as chosen
      this.said = this.t.queued;
      return (this.queued = true);
    };
    let token = '';
    const post = async () =>
      c.post<ResponseResult>(path, body, {
        participant: (token = await participant(c)),
        key: this.key,
      });
    try {
      // An older answer waits (this tab's, or another's this one has not heard of): this one replaces
      // it and is sent after it, never before, or the older would overwrite it on the server.
      const waits = () => c.hasOutbox && c.outbox().then((o) => o.queued(c, (q) => q.slot === slot).length > 0, () => false);
      if ((this.queued || (await waits())) && (await keep(null))) return;
      const res = await post().catch((err: ApiError) => {
        if (err.code !== 'PARTICIPANT_INVALID') throw err;
        forgetParticipant(c); // a token from another server or a reset secret: start afresh
        this.key = crypto.randomUUID();
        return post();
      });
      rememberParticipant(c, token);
      this.#answered(d, res, stage);
    } catch (err) {
      if (await keep(err)) return;
      this.actionError = err;
      this.retry = () => this.send(answer, followUp, area, stage);
      // Closed (or not open) meanwhile: show what it is now, results and all, instead of an error.
      if (/^CONSULTATION_/.test((err as ApiError).code)) await this.fetchContent().catch(() => {});
      if (this.actionError) return;
    } finally {
      this.sending = false;
    }
    this.focusOn('.thanks');
  }

  /** The server stored the answer: the thank-you (stage 1) or the follow-up's (stage 2). */
  #answered(d: ConsultationView, res: ResponseResult, stage: number) {
    updateRecord(d.siteId, (r) => {
      r.quietUntil = Date.now() + d.capDays * DAY;
      this.seen(r, d);
    });
    const mine = res.response;
    this.data = { ...d, myResponse: mine, results: res.results ?? d.results };
    this.why = mine.followUp ?? '';
    this.area = mine.area ?? '';
    this.editing = this.isNew = false;
    this.said = '';
    this.stage = stage;
    this.dispatchEvent(new CivicAnswerEvent(d.id, mine));
  }

  /** While an answer waits for the connection (announced through the card's live region, `said`). */
  #renderQueued() {
    return this.queued ? html`<p part="queued" class="muted">${this.t.queued}</p>` : nothing;
  }

  /** A load that failed while an answer waits says that too, politely. */
  protected renderError(e: unknown, retry: () => void) {
    return html`${super.renderError(e, retry)}${this.failure && this.queued ? html`<div role="status">${this.#renderQueued()}</div>` : nothing}`;
  }

  private async focusOn(selector: string) {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  private dismiss = () => {
    const d = this.data!;
    updateRecord(d.siteId, (r) => {
      (r.dismissed ??= []).push(d.id);
      r.quietUntil = Date.now() + d.capDays * DAY;
    });
    this.data = null;
  };

  private change = () => {
    const m = this.data!.myResponse!;
    this.editing = true;
    this.draft = m.answer;
    this.actionError = undefined;
    this.focusOn('input:checked, textarea');
  };

  private cancel = () => {
    this.editing = false;
    this.actionError = undefined;
    this.focusOn('[part=change]');
  };

  private renderActionError() {
    return html`${this.actionError ? this.renderError(this.actionError, () => this.retry()) : nothing}${this.#renderQueued()}`;
  }

  private renderDone(d: ConsultationView) {
    const s = this.s;
    const m = d.myResponse;
    const open = d.status === 'open';
    const more = open && this.stage === 1 && (d.followUp || d.areas?.length);
    return html`<p part="question" class="q" dir="auto">${d.question}</p>
      <p part="thanks" class="thanks" tabindex="-1">${open ? (this.stage > 1 ? s.thanksMore : s.thanks) : s.closed}</p>
      ${m
        ? html`<p dir="auto">${fill(s.yourAnswer, { answer: this.label(d, m.answer) })}</p>
            ${open && !more ? html`<p><button type="button" part="change" @click=${this.change}>${s.change}</button></p>` : nothing}`
        : nothing}
      ${more ? this.renderFollowUp(d, m!) : nothing}
      ${this.renderResults(d)}
      ${d.nextSteps ? html`<p><b>${s.next}</b> <span dir="auto">${d.nextSteps}</span></p>` : nothing}`;
  }

  private renderFollowUp(d: ConsultationView, m: MyResponse) {
    const s = this.s;
    return html`<form part="follow-up" class="more"
      @submit=${(e: Event) => (e.preventDefault(), this.send(m.answer, this.why.trim() || null, this.area || null, 2))}>
      ${d.areas?.length
        ? html`<label for="a">${s.area} ${s.optional}</label>
            <select id="a" @change=${(e: Event) => (this.area = (e.target as HTMLSelectElement).value)}>
              <option value="">${s.noArea}</option>
              ${d.areas.map((a) => html`<option value=${a.id} ?selected=${a.id === this.area}>${a.label}</option>`)}
            </select>`
        : nothing}
      ${d.followUp
        ? html`<label for="w" dir="auto">${d.followUp} ${s.optional}</label>${this.textarea('w', 2000, this.why, (v) => (this.why = v))}`
        : nothing}
      ${this.renderActionError()}
      <p class="muted small">${s.privacy}</p>
      <button class="primary" ?disabled=${this.sending}>${s.send}</button>
    </form>`;
  }

  private renderResults(d: ConsultationView) {
    const r = d.results;
    const s = this.s;
    if (!r) return d.resultsVisibility === 'after-close' && d.status === 'open' ? html`<p class="muted">${s.afterClose}</p>` : nothing;
    const pct = percent(this.locale);
    const mine = d.myResponse?.answer;
    // A plain div, not a <section>: two cards on one page would make two "Results" landmarks.
    return html`<div part="results">
      <p class="rh">${s.results}</p>
      ${r.answers.length
        ? html`<ul class="bars">
            ${r.answers.map(({ answer, count }) => {
              const share = r.respondents ? count / r.respondents : 0;
              return html`<li part="result">
                <span class="row">
                  <span><bdi>${this.label(d, answer)}</bdi>${answer === mine ? html` <b>(${s.mine})</b>` : nothing}</span>
                  <span>${pct.format(share)} · ${plural(s.answers, count, this.locale)}</span>
                </span>
                ${bar(share)}
              </li>`;
            })}
          </ul>`
        : nothing}
      <p class="muted">${plural(s.respondents, r.respondents, this.locale)}</p>
    </div>`;
  }

  private renderOutcome(d: ConsultationView) {
    const o = d.outcome;
    const s = this.s;
    if (!o) return nothing;
    const date = new Date(o.date).toLocaleDateString(this.locale, { dateStyle: 'long', timeZone: 'UTC' });
    return html`<div part="outcome" class="outcome">
      <p><b>${s.outcome}</b>${this.isNew ? html` <span class="new">${s.new}</span>` : nothing}</p>
      <p class="muted small">${this.status(o.status)} · <time datetime=${o.date}>${date}</time></p>
      <p dir="auto">${o.text}</p>
      ${o.link && /^https?:/i.test(o.link) ? html`<p><a href=${o.link}>${s.more}</a></p>` : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-consultation': CivicConsultation;
  }
  interface GlobalEventHandlersEventMap {
    'civic-answer': CivicAnswerEvent;
  }
}
