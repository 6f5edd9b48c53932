import { html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { fill, plural } from '../../core/i18n/index.ts';
import { href } from '../router.ts';
import { canEdit } from '../session.ts';
import type { AdminPoll } from '../types.ts';
import { ConsoleView, locale } from './view.ts';

/** Every poll, searchable and filtered by status, with open/close, duplicate, results and embed. */
@customElement('civic-admin-polls')
export class AdminPolls extends ConsoleView {
  @state() private polls: AdminPoll[] | null = null;
  @state() private q = '';
  @state() private status = '';

  connectedCallback() {
    super.connectedCallback();
    this.q = this.route.params.get('q') ?? '';
    this.status = this.route.params.get('status') ?? '';
    void this.load();
  }

  private async load() {
    const r = await this.attempt(() => this.api.get<{ polls: AdminPoll[] }>('/v1/admin/polls'));
    if (r) this.polls = r.polls.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  private async setOpen(p: AdminPoll, open: boolean) {
    const updated = await this.attempt(() => this.api.post<AdminPoll>(`/v1/admin/polls/${encodeURIComponent(p.id)}/${open ? 'open' : 'close'}`));
    if (updated) this.polls = this.polls!.map((x) => (x.id === p.id ? updated : x));
  }

  /** A copy with the same settings and options, no votes, closed dates dropped; then edit it. */
  private async duplicate(p: AdminPoll) {
    const copy = await this.attempt(() =>
      this.api.post<AdminPoll>('/v1/admin/polls', {
        siteId: p.siteId,
        question: fill(this.t.polls.copyOf, { question: p.question }).slice(0, 300),
        description: p.description ?? undefined,
        type: p.type,
        options: p.options.map((o) => o.label),
        ...(p.type === 'single' ? {} : { maxChoices: p.maxChoices }),
        resultsVisibility: p.resultsVisibility,
        allowChange: p.allowChange,
        verifiedOnly: p.verifiedOnly,
      }),
    );
    if (copy) location.hash = href('polls', copy.id, 'edit');
  }

  private visible() {
    const q = this.q.trim().toLowerCase();
    return (this.polls ?? []).filter(
      (p) => (!q || p.question.toLowerCase().includes(q) || p.id.includes(q)) && (!this.status || p.status === this.status),
    );
  }

  render() {
    const t = this.t;
    const edit = canEdit(this.user.role);
    const rows = this.visible();
    return html`<h1>${t.polls.title}</h1>
      ${edit ? html`<p><a href="#/polls/new">${t.polls.new}</a></p>` : ''}
      <div class="toolbar" role="search">
        <div class="field">
          <label for="q">${t.polls.searchLabel}</label>
          <input id="q" type="search" .value=${this.q} @input=${(e: Event) => (this.q = (e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="status">${t.common.status}</label>
          <select id="status" @change=${(e: Event) => (this.status = (e.target as HTMLSelectElement).value)}>
            <option value="" ?selected=${!this.status}>${t.common.all}</option>
            <option value="open" ?selected=${this.status === 'open'}>${t.common.open}</option>
            <option value="closed" ?selected=${this.status === 'closed'}>${t.common.closed}</option>
            <option value="scheduled" ?selected=${this.status === 'scheduled'}>${t.common.scheduled}</option>
          </select>
        </div>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      ${this.polls === null
        ? html`<p role="status">${t.loading}</p>`
        : html`${rows.length
              ? html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t.polls.title}>
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">${t.lists.question}</th>
                        <th scope="col">${t.common.status}</th>
                        <th scope="col" class="num">${t.polls.voters}</th>
                        <th scope="col">${t.common.actions}</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${rows.map(
                        (p) => html`<tr data-poll=${p.id}>
                          <th scope="row">${p.question}<br /><span class="note">${p.id} · ${p.siteId}</span></th>
                          <td><span class="status">${t.common[p.status]}</span></td>
                          <td class="num">${plural({ other: '{n}' }, p.results.voters, locale(this))}</td>
                          <td>
                            <div class="row">
                              <a href=${href('polls', p.id, 'results')}>${t.polls.results}</a>
                              <a href="#/embed?widget=poll&id=${encodeURIComponent(p.id)}">${t.polls.embed}</a>
                              ${edit
                                ? html`<a href=${href('polls', p.id, 'edit')}>${t.common.edit}</a>
                                    <button class="link" @click=${() => this.setOpen(p, p.status !== 'open')}>
                                      ${p.status === 'open' ? t.common.close : t.common.open}<span class="sr">: ${p.question}</span>
                                    </button>
                                    <button class="link" @click=${() => this.duplicate(p)}>
                                      ${t.polls.duplicate}<span class="sr">: ${p.question}</span>
                                    </button>`
                                : ''}
                            </div>
                          </td>
                        </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
              : html`<p>${t.common.none}</p>`}`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-polls': AdminPolls;
  }
}
