import { html, nothing, type PropertyDeclarations } from 'lit';
import { ApiError } from '../../core/api-client.ts';
import { CivicElement } from '../../core/civic-element.ts';
import { fill, plural } from '../../core/i18n/index.ts';
import { formatDate } from '../../core/i18n/date.ts';
import { relative } from '../../core/i18n/relative.ts';
import { LiveUpdates } from '../../core/live.ts';
import type { Delivered } from '../../core/outbox.ts';
import { pageUrl } from '../../core/page-url.ts';
import { forgetParticipant, participant, rememberParticipant, storedParticipant } from '../../core/participant.ts';
import { pollStyles } from './civic-poll.styles.ts';
import { pollStrings, type PollStrings } from './i18n/index.ts';
import type { PollResults, PollView, VoteResponse } from './poll.types.ts';
import { renderResults } from './poll-results.ts';

/** Fired after a vote is counted by the server. */
export class CivicVoteEvent extends Event {
  constructor(
    readonly poll: string,
    readonly choices: string[],
  ) {
    super('civic-vote', { bubbles: true, composed: true });
  }
}

/**
 * A poll: single choice, multiple choice or ranked, with honest live results.
 *
 * @tagname civic-poll
 * @summary Embeddable poll with accessible results.
 * @event civic-vote - CivicVoteEvent, after the server counted a vote.
 * @event civic-error - CivicErrorEvent, when the poll cannot be shown.
 * @csspart base - The widget's box.
 * @csspart question - The question heading.
 * @csspart form - The voting form.
 * @csspart option - One option (label and input, or a ranking row).
 * @csspart submit - The vote button.
 * @csspart results - The results section.
 * @csspart result - One result row.
 * @csspart error - An error message with its retry button.
 * @cssproperty --civic-color-accent - Buttons, focus rings and bars.
 * @cssproperty --civic-color-text - Text colour.
 * @cssproperty --civic-color-surface - Background.
 * @cssproperty --civic-color-border - Borders and the skeleton.
 * @cssproperty --civic-radius - Corner radius.
 * @cssproperty --civic-space - Inner spacing.
 * @cssproperty --civic-min-block-size - Height reserved while loading.
 * @cssproperty --civic-poll-bar-color - Result bars.
 * @cssproperty --civic-poll-bar-track - The empty part of result bars.
 */
export class CivicPoll extends CivicElement<PollStrings> {
  static styles = [CivicElement.styles, pollStyles];

  static properties: PropertyDeclarations = {
    poll: {},
    headingLevel: { attribute: 'heading-level', type: Number },
    data: { state: true },
    selection: { state: true },
    editing: { state: true },
    sending: { state: true },
    actionError: { state: true },
    announcement: { state: true },
    queued: { state: true },
  };

  protected readonly pack = pollStrings;
  protected keepsWrites = true;
  /** The poll's id. */
  poll?: string;
  /** Level of the question heading, to fit the host page's outline. */
  headingLevel = 2;

  private data?: PollView;
  /** Chosen option ids; for ranked polls, all options in the resident's order. */
  private selection: string[] = [];
  private editing = false;
  private sending = false;
  private actionError?: unknown;
  private announcement = '';
  /** A vote waits on the device for the connection (src/core/outbox.ts). */
  private queued = false;
  /** Server clock minus ours: "time left" must not trust the device clock. */
  private skew = 0;
  /** Reused when a resident retries the same vote, so the server counts it once. */
  private voteKey?: string;
  private ticker?: ReturnType<typeof setInterval>;
  private live = new LiveUpdates<PollResults>(
    this,
    (r) => this.data && r.version > (this.data.results?.version ?? -1) && (this.data = { ...this.data, results: r }),
    () => this.refresh().catch(() => {}),
  );

  connectedCallback() {
    super.connectedCallback();
    // Re-render "closes in …" and notice the moment the poll opens or closes.
    this.ticker = setInterval(() => {
      const d = this.data;
      const edge = d?.status === 'open' ? d.closesAt : d?.status === 'scheduled' ? d.opensAt : null;
      if (edge && Date.parse(edge) <= this.now()) this.refresh().catch(() => {});
      this.requestUpdate();
    }, 30_000);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.ticker);
  }

  protected contentKey() {
    return this.poll;
  }

  protected async fetchContent() {
    if (!this.poll) throw new ApiError(404, 'NOT_FOUND');
    try {
      await this.refresh();
    } finally {
      this.#resume().catch(() => {}); // a damaged queue shows nothing rather than escape into the page
    }
  }

  get #slot() {
    return 'poll:' + this.poll;
  }

  #waits() {
    return this.client.hasOutbox && this.client.outbox().then((o) => o.queued(this.client, (q) => q.slot === this.#slot).length > 0, () => false);
  }

  /** After a reload: a vote still waiting is shown as waiting, and sent if the server answers now. */
  async #resume() {
    const [q] = this.client.hasOutbox ? (await this.client.outbox()).waiting(this, this.client, (q) => q.slot === this.#slot, this.#delivered) : [];
    if (!q) return;
    this.queued = true;
    const d = this.data;
    if (d && d.status === 'open') {
      const chosen = q.body.choices as string[];
      this.selection = d.type === 'ranked' ? [...chosen, ...d.options.map((x) => x.id).filter((id) => !chosen.includes(id))] : chosen;
      this.editing = !!d.myVote;
    }
  }

  /** The queued vote was answered: counted (the usual thank-you), refused (its error), or sent by another tab. */
  #delivered = ({ item, data, error }: Delivered) => {
    if (item.slot !== this.#slot) return;
    this.queued = false;
    const d = this.data;
    if (!d || this.failure || !(data || error)) return this.reload();
    if (error) return void (this.actionError = error);
    this.#voted(d, data as VoteResponse, item.body.choices as string[]);
  };

  #voted(d: PollView, res: VoteResponse, choices: string[]) {
    this.voteKey = undefined;
    this.editing = false;
    // The answer carries the vote and the results this voter may now see: no second request.
    this.show({ ...d, myVote: res.vote, results: res.results ?? d.results });
    this.dispatchEvent(new CivicVoteEvent(d.id, choices));
  }

  private async refresh() {
    const d = await this.client.get<PollView>(`v1/polls/${encodeURIComponent(this.poll!)}`, {
      participant: storedParticipant(this.client),
    });
    this.skew = Date.parse(d.serverTime) - Date.now();
    if (!this.editing) this.selection = d.myVote?.choices ?? (d.type === 'ranked' ? d.options.map((o) => o.id) : []);
    this.show(d);
  }

  /** Shows a poll and follows its live results while it is open and they are visible. */
  private show(d: PollView) {
    this.data = d;
    // Only "after vote" results are personal; other streams need no token, so voting keeps them open.
    const token = d.resultsVisibility === 'after-vote' && d.myVote && storedParticipant(this.client);
    this.live.follow(
      d.status === 'open' && d.results
        ? this.client.url(`v1/polls/${encodeURIComponent(d.id)}/live` + (token ? `?participant=${encodeURIComponent(token)}` : ''))
        : undefined,
    );
  }

  private now() {
    return Date.now() + this.skew;
  }

  protected renderContent() {
    const d = this.data!;
    const t = this.s;
    const voting = d.status === 'open' && (!d.myVote || this.editing);
    return html`
      <div part="question" class="q" id="q" role="heading" aria-level=${this.headingLevel} dir="auto">${d.question}</div>
      ${d.description ? html`<p dir="auto">${d.description}</p>` : nothing}
      <p class="muted">${this.statusText(d)}${d.verifiedOnly ? html` ${t.verifiedOnly}` : nothing}</p>
      ${voting ? this.renderForm(d) : this.renderVoted(d)}
      ${renderResults(d, this.s, this.locale, this.headingLevel + 1)}
    `;
  }

  private statusText(d: PollView) {
    const t = this.s;
    const until = (iso: string) => relative(Date.parse(iso) - this.now(), this.locale);
    if (d.status === 'closed')
      return d.closesAt && Date.parse(d.closesAt) <= this.now()
        ? fill(t.closedOn, { date: formatDate(d.closesAt, this.locale) })
        : t.closed;
    if (d.status === 'scheduled' && d.opensAt) return fill(t.opensIn, { when: until(d.opensAt) });
    return d.closesAt ? fill(t.closesIn, { when: until(d.closesAt) }) : '';
  }

  private renderForm(d: PollView) {
    const t = this.s;
    const max = d.maxChoices ?? d.options.length;
    const ranked = d.type === 'ranked';
    const hint = ranked ? t.rankHint : d.type === 'multiple' ? plural(t.chooseUpTo, max, this.locale) : '';
    return html`<form part="form" @submit=${this.submit}>
      <fieldset aria-labelledby="q" aria-describedby=${hint ? 'hint' : nothing}>
        ${hint ? html`<p id="hint" class="muted">${hint}</p>` : nothing}
        ${ranked ? this.renderRanking(d, max) : this.renderChoices(d, max)}
      </fieldset>
      ${this.actionError ? this.renderError(this.actionError, () => this.submit()) : nothing}
      ${this.#renderQueued()}
      <div class="actions">
        <button part="submit" class="primary" ?disabled=${this.sending || !this.selection.length}>
          ${d.myVote ? t.update : t.vote}
        </button>
        ${this.editing
          ? html`<button type="button" @click=${() => ((this.editing = false), (this.selection = d.myVote!.choices))}>
              ${t.cancel}
            </button>`
          : nothing}
      </div>
    </form>`;
  }

  private renderChoices(d: PollView, max: number) {
    const multiple = d.type === 'multiple';
    return d.options.map((o) => {
      const on = this.selection.includes(o.id);
      return html`<label part="option" class="opt">
        <input
          type=${multiple ? 'checkbox' : 'radio'}
          name="choice"
          .checked=${on}
          ?disabled=${multiple && !on && this.selection.length >= max}
          @change=${() => this.pick(o.id, multiple)}
        />
        <span dir="auto">${o.label}</span>
      </label>`;
    });
  }

  private renderRanking(d: PollView, max: number) {
    const t = this.s;
    const label = (id: string) => d.options.find((o) => o.id === id)?.label ?? id;
    const last = this.selection.length - 1;
    return html`<ol class="rank">
        ${this.selection.map(
          (id, i) => html`<li part="option" class=${i < max ? '' : 'out'}>
            <span class="pos" aria-hidden="true">${i + 1}</span>
            <span class="grow" dir="auto">${label(id)}</span>
            <button type="button" class="mv up" aria-label=${fill(t.moveUp, { label: label(id) })}
              aria-disabled=${i === 0} @click=${() => this.move(i, -1, label(id))}>↑</button>
            <button type="button" class="mv down" aria-label=${fill(t.moveDown, { label: label(id) })}
              aria-disabled=${i === last} @click=${() => this.move(i, 1, label(id))}>↓</button>
          </li>`,
        )}
      </ol>
      <p class="sr" role="status">${this.announcement}</p>`;
  }

  private pick(id: string, multiple: boolean) {
    const s = this.selection;
    this.selection = multiple ? (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]) : [id];
    this.voteKey = undefined;
  }

  private async move(i: number, by: number, label: string) {
    const j = i + by;
    if (j < 0 || j >= this.selection.length) return;
    const s = [...this.selection];
    [s[i], s[j]] = [s[j], s[i]];
    this.selection = s;
    this.voteKey = undefined;
    this.announcement = fill(this.s.movedTo, { label, n: j + 1 });
    await this.updateComplete;
    // Keep the keyboard on the moved option, so pressing again keeps moving it.
    this.renderRoot.querySelectorAll<HTMLElement>(by < 0 ? '.up' : '.down')[j]?.focus();
  }

  private async submit(e?: Event) {
    e?.preventDefault();
    const d = this.data;
    if (!d || this.sending) return;
    this.sending = true;
    this.actionError = undefined;
    const max = d.type === 'ranked' ? (d.maxChoices ?? d.options.length) : d.options.length;
    const choices = this.selection.slice(0, max);
    // The page, as consultation answers send it, for the staff's breakdown by page; left out where the
    // server would refuse it (a file: page, an address over 2000 characters) rather than lose the vote.
    const page = pageUrl();
    const path = `v1/polls/${encodeURIComponent(d.id)}/votes`;
    const body = { choices, page: /^https?:/.test(page) && page.length <= 2000 ? page : undefined };
    // Kept on the device when the server cannot be reached (not a verified vote: the host's login
    // token is never stored). `error` null: an older vote waits, this one replaces it in the queue.
    const keep = async (error: unknown) =>
      !d.verifiedOnly &&
      (this.queued = await this.client.outbox().then(
        (o) => o.queue(this, this.client, error, { slot: this.#slot, path, body, key: (this.voteKey ??= crypto.randomUUID()) }, this.#delivered),
        () => false,
      ));
    try {
      // An older vote waits (this tab's, or another's this one has not heard of): this one replaces it
      // and is sent after it, never before, or the older would overwrite it on the server.
      if ((this.queued || (await this.#waits())) && (await keep(null))) return;
      let token = '';
      const vote = async () =>
        this.client.post<VoteResponse>(
          path,
          body,
          {
            participant: (token = await participant(this.client)),
            identity: d.verifiedOnly ? await this.identity() : undefined,
            key: (this.voteKey ??= crypto.randomUUID()),
          },
        );
      const res = await vote().catch((err: ApiError) => {
        if (err.code !== 'PARTICIPANT_INVALID') throw err;
        forgetParticipant(this.client); // a token from another server or a reset secret: start afresh
        this.voteKey = undefined;
        return vote();
      });
      rememberParticipant(this.client, token);
      this.#voted(d, res, choices);
    } catch (err) {
      if (!(await keep(err))) this.actionError = err;
      return;
    } finally {
      this.sending = false;
    }
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.thanks')?.focus();
  }

  /** A polite live region, empty until a vote waits for the connection. */
  #renderQueued() {
    return html`<div role="status">${this.queued ? html`<p part="queued" class="muted">${this.t.queued}</p>` : nothing}</div>`;
  }

  /** A load that failed while a vote waits says that too. */
  protected renderError(e: unknown, retry: () => void) {
    return html`${super.renderError(e, retry)}${this.failure ? this.#renderQueued() : nothing}`;
  }

  private renderVoted(d: PollView) {
    if (!d.myVote) return nothing;
    return html`<p part="thanks" class="thanks" tabindex="-1">${this.s.thanks}</p>
      ${d.status === 'open' && d.allowChange
        ? html`<button type="button" part="change" @click=${() => (this.editing = true)}>${this.s.change}</button>`
        : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-poll': CivicPoll;
  }
  interface GlobalEventHandlersEventMap {
    'civic-vote': CivicVoteEvent;
  }
}
