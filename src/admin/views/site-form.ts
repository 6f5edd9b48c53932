import { html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { fill } from '../../core/i18n/index.ts';
import { href } from '../router.ts';
import { ConsoleView } from './view.ts';

interface CommentSettings {
  moderation: 'post' | 'pre' | 'first';
  suspectWords: string[];
  bannedWords: string[];
  holdLinks: boolean;
  reportThreshold: number;
  webhookUrl: string | null;
}

interface AdminSite {
  id: string;
  name: string;
  origins: string[];
  comments: CommentSettings;
}

const lines = (v: FormDataEntryValue | null) =>
  String(v ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** Create (`#/sites/new`) or edit (`#/sites/ID`) a site: name, allowed origins, comment moderation defaults, webhook. */
@customElement('civic-admin-site')
export class AdminSiteForm extends ConsoleView {
  @state() private site: AdminSite | null = null;
  @state() private saved = false;

  private get editing() {
    return this.route.rest[0] !== 'new' ? this.route.rest[0] : null;
  }

  connectedCallback() {
    super.connectedCallback();
    if (this.editing)
      void this.attempt(async () => {
        const { sites } = await this.api.get<{ sites: AdminSite[] }>('/v1/admin/sites');
        this.site = sites.find((s) => s.id === this.editing) ?? null;
        if (!this.site) this.error = this.t.errors.notFound;
      });
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const webhook = String(f.get('webhookUrl') ?? '').trim();
    const body = {
      name: String(f.get('name') ?? '').trim(),
      origins: lines(f.get('origins')),
      comments: {
        moderation: f.get('moderation'),
        suspectWords: lines(f.get('suspectWords')),
        bannedWords: lines(f.get('bannedWords')),
        holdLinks: f.has('holdLinks'),
        reportThreshold: Number(f.get('reportThreshold')),
        webhookUrl: webhook || null,
      },
    };
    this.saved = false;
    const r = await this.attempt(() =>
      this.site ? this.api.patch<AdminSite>(`/v1/admin/sites/${encodeURIComponent(this.site.id)}`, body) : this.api.post<AdminSite>('/v1/admin/sites', body),
    );
    if (!r) {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[role=alert]')?.focus();
      return;
    }
    if (this.site) {
      this.site = r;
      this.saved = true;
    } else location.hash = href('sites', r.id);
  }

  render() {
    const t = this.t.site;
    const s = this.site;
    if (this.editing && !s) return this.error ? html`<p class="error" role="alert">${this.error}</p>` : html`<p role="status">${this.t.loading}</p>`;
    const c = s?.comments;
    return html`<h1>${s ? fill(t.editTitle, { name: s.name }) : t.createTitle}</h1>
      <form class="base" @submit=${this.submit}>
        ${this.error ? html`<p class="error" role="alert" tabindex="-1">${this.error}</p>` : ''}
        ${this.saved ? html`<p role="status">${this.t.common.saved}</p>` : ''}
        <div class="field">
          <label for="name">${t.name}</label>
          <input id="name" name="name" required maxlength="200" .value=${s?.name ?? ''} />
        </div>
        <div class="field">
          <label for="origins">${t.origins}</label>
          <textarea id="origins" name="origins" rows="4" aria-describedby="origins-hint" .value=${(s?.origins ?? []).join('\n')}></textarea>
          <span class="note" id="origins-hint">${t.originsHint}</span>
        </div>
        <div class="field">
          <label for="moderation">${t.moderation}</label>
          <select id="moderation" name="moderation">
            ${(['post', 'pre', 'first'] as const).map((m) => html`<option value=${m} ?selected=${(c?.moderation ?? 'post') === m}>${t.moderations[m]}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="suspectWords">${t.suspectWords}</label>
          <textarea id="suspectWords" name="suspectWords" rows="3" .value=${(c?.suspectWords ?? []).join('\n')}></textarea>
        </div>
        <div class="field">
          <label for="bannedWords">${t.bannedWords}</label>
          <textarea id="bannedWords" name="bannedWords" rows="3" .value=${(c?.bannedWords ?? []).join('\n')}></textarea>
        </div>
        <label class="check"><input type="checkbox" name="holdLinks" .checked=${c?.holdLinks ?? false} /> ${t.holdLinks}</label>
        <div class="field">
          <label for="reportThreshold">${t.reportThreshold}</label>
          <input id="reportThreshold" name="reportThreshold" type="number" min="1" max="1000" required .value=${String(c?.reportThreshold ?? 3)} />
        </div>
        <div class="field">
          <label for="webhookUrl">${t.webhookUrl}</label>
          <input id="webhookUrl" name="webhookUrl" type="url" .value=${c?.webhookUrl ?? ''} />
        </div>
        <div class="row">
          <button class="primary">${this.t.common.save}</button>
          <a href="#/sites">${this.t.common.cancel}</a>
        </div>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-site': AdminSiteForm;
  }
}
