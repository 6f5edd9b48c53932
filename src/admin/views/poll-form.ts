import { html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { AdminPoll, ResultsVisibility, Site } from '../types.ts';
import { focusAlert, fromLocalInput, labelList, loadSites, siteField, toLocalInput } from './form-parts.ts';
import { ConsoleView } from './view.ts';

const VISIBILITIES: ResultsVisibility[] = ['always', 'after-vote', 'after-close', 'staff'];

/** Create (`#/polls/new`) or edit (`#/polls/ID/edit`) a poll. After creating, the embed builder opens. */
@customElement('civic-admin-poll-form')
export class AdminPollForm extends ConsoleView {
  @state() private poll: AdminPoll | null = null;
  @state() private sites: Site[] | null = null;
  @state() private options: string[] = ['', ''];
  @state() private type: AdminPoll['type'] = 'single';
  @state() private busy = false;
  @state() private saved = false;

  private get editing() {
    return this.route.rest[0] !== 'new' ? this.route.rest[0] : null;
  }

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    void loadSites(this.api).then((s) => (this.sites = s));
    if (!this.editing) return;
    const p = await this.attempt(() => this.api.get<AdminPoll>(`/v1/admin/polls/${encodeURIComponent(this.editing!)}`));
    if (!p) return;
    this.poll = p;
    this.type = p.type;
    this.options = p.options.map((o) => o.label);
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const str = (k: string) => String(f.get(k) ?? '').trim();
    const locked = (this.poll?.results.voters ?? 0) > 0;
    const max = str('maxChoices');
    const body: Record<string, unknown> = {
      question: str('question'),
      description: str('description') || null,
      opensAt: fromLocalInput(str('opensAt')),
      closesAt: fromLocalInput(str('closesAt')),
      resultsVisibility: str('resultsVisibility'),
      allowChange: f.has('allowChange'),
      verifiedOnly: f.has('verifiedOnly'),
    };
    if (!locked) {
      body.type = this.type;
      // Keep option ids of an edited poll where the label is unchanged, so links and votes stay put.
      body.options = this.options
        .map((label) => label.trim())
        .filter(Boolean)
        .map((label) => this.poll?.options.find((o) => o.label === label) ?? label);
      if (this.type !== 'single') body.maxChoices = max ? Number(max) : null;
    }
    this.busy = true;
    this.saved = false;
    const result = await this.attempt(() =>
      this.poll
        ? this.api.patch<AdminPoll>(`/v1/admin/polls/${encodeURIComponent(this.poll.id)}`, body)
        : this.api.post<AdminPoll>('/v1/admin/polls', { ...body, siteId: str('siteId'), description: body.description ?? undefined }),
    );
    this.busy = false;
    if (!result) return focusAlert(this);
    if (this.poll) {
      this.poll = result;
      this.saved = true;
    } else {
      // The first thing after creating something: how to put it on a page.
      location.hash = `#/embed?widget=poll&id=${encodeURIComponent(result.id)}&created=1`;
    }
  }

  private optionInputs() {
    const t = this.t.polls;
    return labelList(this, {
      prefix: 'opt',
      legend: t.options,
      labels: this.options,
      item: t.option,
      remove: t.removeOption,
      add: t.addOption,
      min: 2,
      max: 50,
      disabled: (this.poll?.results.voters ?? 0) > 0,
      onInput: (i, v) => (this.options = this.options.map((o, j) => (j === i ? v : o))),
      onRemove: (i) => (this.options = this.options.filter((_, j) => j !== i)),
      onAdd: () => (this.options = [...this.options, '']),
    });
  }

  render() {
    const t = this.t.polls;
    const p = this.poll;
    if (this.editing && !p) return this.error ? html`<p class="error" role="alert">${this.error}</p>` : html`<p role="status">${this.t.loading}</p>`;
    const locked = (p?.results.voters ?? 0) > 0;
    return html`<h1>${p ? t.editTitle : t.createTitle}</h1>
      <form @submit=${this.submit} class="base">
        ${this.error ? html`<p class="error" role="alert" tabindex="-1">${this.error}</p>` : ''}
        ${this.saved ? html`<p role="status">${this.t.common.saved}</p>` : ''}
        ${p ? '' : siteField(this.t, this.sites)}
        <div class="field">
          <label for="question">${t.question}</label>
          <input id="question" name="question" required maxlength="300" .value=${p?.question ?? ''} />
        </div>
        <div class="field">
          <label for="description">${t.description}</label>
          <textarea id="description" name="description" rows="3" maxlength="2000" .value=${p?.description ?? ''}></textarea>
        </div>
        ${locked ? html`<p class="note">${t.hasVotes}</p>` : ''}
        <div class="field">
          <label for="type">${t.type}</label>
          <select id="type" ?disabled=${locked} @change=${(e: Event) => (this.type = (e.target as HTMLSelectElement).value as AdminPoll['type'])}>
            ${(['single', 'multiple', 'ranked'] as const).map((k) => html`<option value=${k} ?selected=${this.type === k}>${t.types[k]}</option>`)}
          </select>
        </div>
        ${this.type !== 'single'
          ? html`<div class="field">
              <label for="maxChoices">${t.maxChoices}</label>
              <input id="maxChoices" name="maxChoices" type="number" min="1" max="50" ?disabled=${locked} .value=${p?.maxChoices ? String(p.maxChoices) : ''} />
            </div>`
          : ''}
        ${this.optionInputs()}
        <div class="row">
          <div class="field">
            <label for="opensAt">${t.opensAt}</label>
            <input id="opensAt" name="opensAt" type="datetime-local" .value=${toLocalInput(p?.opensAt ?? null)} />
          </div>
          <div class="field">
            <label for="closesAt">${t.closesAt}</label>
            <input id="closesAt" name="closesAt" type="datetime-local" .value=${toLocalInput(p?.closesAt ?? null)} />
          </div>
        </div>
        <div class="field">
          <label for="resultsVisibility">${t.visibility}</label>
          <select id="resultsVisibility" name="resultsVisibility">
            ${VISIBILITIES.map((v) => html`<option value=${v} ?selected=${(p?.resultsVisibility ?? 'always') === v}>${t.visibilities[v]}</option>`)}
          </select>
        </div>
        <label class="check"><input type="checkbox" name="allowChange" .checked=${p?.allowChange ?? false} /> ${t.allowChange}</label>
        <label class="check"><input type="checkbox" name="verifiedOnly" .checked=${p?.verifiedOnly ?? false} /> ${t.verifiedOnly}</label>
        <div class="row">
          <button class="primary" ?disabled=${this.busy}>${this.t.common.save}</button>
          <a href="#/polls">${this.t.common.cancel}</a>
        </div>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-poll-form': AdminPollForm;
  }
}
