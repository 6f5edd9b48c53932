import { html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { fill } from '../../core/i18n/index.ts';
import { AdminApiError } from '../api.ts';
import { consoleLocales } from '../i18n/index.ts';
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
  defaultLocale: string | null;
  retentionMonths: number | null;
}

type Bounds = [west: number, south: number, east: number, north: number];

interface WebhookTest {
  ok: boolean;
  status?: number;
  error?: string;
  reason?: 'http' | 'refused' | 'timeout' | 'not-found' | 'tls' | 'network';
}

const lines = (v: FormDataEntryValue | null) =>
  String(v ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

const EDGES = ['west', 'south', 'east', 'north'] as const;

/** The map area from the four inputs: null when all are empty, a message key when they do not make a rectangle. */
export function readBounds(values: string[]): Bounds | null | 'boundsPartial' | 'boundsRange' | 'boundsOrder' {
  const filled = values.map((v) => v.trim()).filter((v) => v !== '');
  if (filled.length === 0) return null;
  if (filled.length < 4) return 'boundsPartial';
  const [w, s, e, n] = values.map(Number) as Bounds;
  if (![w, s, e, n].every(Number.isFinite) || Math.abs(w) > 180 || Math.abs(e) > 180 || Math.abs(s) > 90 || Math.abs(n) > 90) return 'boundsRange';
  if (w >= e || s >= n) return 'boundsOrder';
  return [w, s, e, n];
}

const sameBounds = (a: Bounds | null, b: Bounds | null) => (a === null || b === null ? a === b : a.every((v, i) => v === b[i]));

/**
 * Create (`#/sites/new`) or edit (`#/sites/ID`) a site: name, allowed origins, usual language, the project map's
 * area (the site's map settings, `/v1/admin/sites/ID/map`), comment moderation, webhook with a test, retention.
 */
@customElement('civic-admin-site')
export class AdminSiteForm extends ConsoleView {
  @state() private site: AdminSite | null = null;
  @state() private bounds: Bounds | null = null;
  @state() private saved = false;
  @state() private testing = false;
  @state() private test: { ok: boolean; text: string } | null = null;

  private get editing() {
    return this.route.rest[0] !== 'new' ? this.route.rest[0] : null;
  }

  connectedCallback() {
    super.connectedCallback();
    const id = this.editing;
    if (id)
      void this.attempt(async () => {
        const [{ sites }, map] = await Promise.all([
          this.api.get<{ sites: AdminSite[] }>('/v1/admin/sites'),
          this.api.get<{ bounds: Bounds | null }>(`/v1/admin/sites/${encodeURIComponent(id)}/map`).catch(() => ({ bounds: null })),
        ]);
        this.bounds = map.bounds;
        this.site = sites.find((s) => s.id === id) ?? null;
        if (!this.site) this.error = this.t.errors.notFound;
      });
  }

  private async showError(message: string) {
    this.error = message;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[role=alert]')?.focus();
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const ts = this.t.siteSettings;
    const f = new FormData(e.target as HTMLFormElement);
    const webhook = String(f.get('webhookUrl') ?? '').trim();
    const bounds = readBounds(EDGES.map((k) => String(f.get(k) ?? '')));
    if (typeof bounds === 'string') return this.showError(ts[bounds]);
    const retentionText = String(f.get('retentionMonths') ?? '').trim();
    const retention = retentionText === '' ? null : Number(retentionText);
    if (retention !== null && !(Number.isInteger(retention) && retention >= 1 && retention <= 120)) return this.showError(ts.retentionRange);
    const body = {
      name: String(f.get('name') ?? '').trim(),
      origins: lines(f.get('origins')),
      defaultLocale: String(f.get('defaultLocale') ?? '') || null,
      retentionMonths: retention,
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
    this.test = null;
    const creating = !this.site;
    const r = await this.attempt(async () => {
      const site = this.site
        ? await this.api.patch<AdminSite>(`/v1/admin/sites/${encodeURIComponent(this.site.id)}`, body)
        : await this.api.post<AdminSite>('/v1/admin/sites', body);
      // Saved: a failure below must not make the next attempt create the site twice.
      this.site = site;
      // The area lives in the site's map settings (the project map reads it there); only sent when it changed.
      if (!sameBounds(bounds, this.bounds)) {
        await this.api.put(`/v1/admin/sites/${encodeURIComponent(site.id)}/map`, { bounds });
        this.bounds = bounds;
      }
      return site;
    });
    if (!r) return this.showError(this.error);
    if (creating) location.hash = href('sites', r.id);
    else this.saved = true;
  }

  /** Sends one message to the saved webhook and says what happened. */
  private async sendTest() {
    const ts = this.t.siteSettings;
    const typed = this.renderRoot.querySelector<HTMLInputElement>('#webhookUrl')?.value.trim() ?? '';
    this.saved = false;
    if (!this.site || typed !== (this.site.comments.webhookUrl ?? '')) {
      this.test = { ok: false, text: typed ? ts.saveFirst : ts.noWebhook };
      return;
    }
    this.testing = true;
    this.test = null;
    try {
      const r = await this.api.post<WebhookTest>(`/v1/admin/sites/${encodeURIComponent(this.site.id)}/webhook-test`);
      const reason = r.reason ? fill(ts.reasons[r.reason], { status: String(r.status ?? '') }) : (r.error ?? '');
      this.test = r.ok ? { ok: true, text: fill(ts.delivered, { status: String(r.status) }) } : { ok: false, text: fill(ts.failed, { error: reason }) };
    } catch (e) {
      this.test = { ok: false, text: e instanceof AdminApiError && e.code === 'WEBHOOK_NOT_SET' ? ts.noWebhook : this.errorText(e) };
    } finally {
      this.testing = false;
    }
  }

  private renderBounds() {
    const ts = this.t.siteSettings;
    const b = this.bounds;
    const limits = { west: 180, south: 90, east: 180, north: 90 };
    return html`<fieldset>
      <legend>${ts.bounds}</legend>
      <p class="note" id="bounds-hint">${ts.boundsHint}</p>
      <div class="row">
        ${EDGES.map(
          (k, i) =>
            html`<div class="field">
              <label for=${k}>${ts[k]}</label>
              <input id=${k} name=${k} type="number" step="any" min=${-limits[k]} max=${limits[k]} aria-describedby="bounds-hint" .value=${b ? String(b[i]) : ''} />
            </div>`,
        )}
      </div>
    </fieldset>`;
  }

  render() {
    const t = this.t.site;
    const ts = this.t.siteSettings;
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
          <label for="defaultLocale">${ts.defaultLocale}</label>
          <select id="defaultLocale" name="defaultLocale" aria-describedby="locale-hint">
            <option value="" ?selected=${!s?.defaultLocale}>${ts.noLocale}</option>
            ${Object.entries(consoleLocales).map(([code, label]) => html`<option value=${code} lang=${code} ?selected=${s?.defaultLocale === code}>${label}</option>`)}
          </select>
          <span class="note" id="locale-hint">${ts.defaultLocaleHint}</span>
        </div>
        ${this.renderBounds()}
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
          <div class="row">
            <button type="button" class="test" ?disabled=${this.testing} @click=${this.sendTest}>${this.testing ? ts.sending : ts.sendTest}</button>
          </div>
          ${this.test
            ? this.test.ok
              ? html`<p role="status" class="test-result">${this.test.text}</p>`
              : html`<p role="alert" class="error test-result">${this.test.text}</p>`
            : ''}
        </div>
        <div class="field">
          <label for="retentionMonths">${ts.retention}</label>
          <input id="retentionMonths" name="retentionMonths" type="number" min="1" max="120" step="1" aria-describedby="retention-hint" .value=${s?.retentionMonths == null ? '' : String(s.retentionMonths)} />
          <span class="note" id="retention-hint">${ts.retentionHint}</span>
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
