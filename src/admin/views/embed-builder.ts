import { html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { fill } from '../../core/i18n/index.ts';
import { consoleLocales } from '../i18n/index.ts';
import { divSnippet, elementSnippet, pageCss, siteScript, type EmbedChoice, type WidgetName } from '../snippets.ts';
import type { AdminPoll } from '../types.ts';
import './preview.ts';
import { ConsoleView } from './view.ts';

const WIDGETS: WidgetName[] = ['poll', 'consultation', 'comments', 'project-map'];

/** Pick a widget and its options, see it live, copy the snippets. The first screen after creating something. */
@customElement('civic-admin-embed')
export class AdminEmbed extends ConsoleView {
  /** The backend that serves /civic.js and the API: the console's own server. */
  @property() origin = location.origin;
  @state() private choice: EmbedChoice = { widget: 'poll', target: '', lang: '', theme: '', accent: '', height: '', category: '', status: '' };
  @state() private polls: { id: string; label: string; siteId: string }[] = [];
  @state() private consultations: { id: string; label: string; siteId: string }[] = [];
  /** Each site's usual language (its setting): the snippet's `lang` until the editor picks one. */
  private siteLocales = new Map<string, string | null>();
  private langPicked = false;
  @state() private copied = '';

  connectedCallback() {
    super.connectedCallback();
    const p = this.route.params;
    const widget = (WIDGETS as string[]).includes(p.get('widget') ?? '') ? (p.get('widget') as WidgetName) : 'poll';
    this.choice = { ...this.choice, widget, target: p.get('id') ?? '' };
    void this.attempt(async () => {
      const r = await this.api.get<{ polls: AdminPoll[] }>('/v1/admin/polls');
      this.polls = r.polls.map((x) => ({ id: x.id, label: x.question, siteId: x.siteId }));
      this.siteLanguage();
    });
    void this.api.get<{ consultations: { id: string; question: string; siteId: string }[] }>('/v1/admin/consultations').then(
      (r) => {
        this.consultations = r.consultations.map((x) => ({ id: x.id, label: x.question, siteId: x.siteId }));
        this.siteLanguage();
      },
      () => undefined,
    );
    void this.api.get<{ sites: { id: string; defaultLocale?: string | null }[] }>('/v1/admin/sites').then(
      (r) => {
        this.siteLocales = new Map(r.sites.map((x) => [x.id, x.defaultLocale ?? null]));
        this.siteLanguage();
      },
      () => undefined,
    );
  }

  private set(k: keyof EmbedChoice, v: string) {
    if (k === 'lang') this.langPicked = true;
    this.choice = { ...this.choice, [k]: v, ...(k === 'widget' ? { target: '' } : {}) };
    if (k === 'widget' || k === 'target') this.siteLanguage();
  }

  /** The chosen poll's or consultation's site language, unless the editor picked a language. */
  private siteLanguage() {
    if (this.langPicked) return;
    const items = this.choice.widget === 'poll' ? this.polls : this.choice.widget === 'consultation' ? this.consultations : [];
    const item = items.find((x) => x.id === this.choice.target);
    const lang = (item && this.siteLocales.get(item.siteId)) || '';
    if (lang !== this.choice.lang) this.choice = { ...this.choice, lang };
  }

  private async copy(what: string, text: string) {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Without clipboard permission: select the snippet so Ctrl+C / Cmd+C copies it.
      const code = this.renderRoot.querySelector(`[data-snippet="${what}"]`);
      if (code) getSelection()?.selectAllChildren(code);
    }
    this.copied = what;
  }

  private snippet(id: string, title: string, text: string) {
    return html`<section class="snippet" aria-labelledby="h-${id}">
      <h3 id="h-${id}">${title}</h3>
      <pre><code data-snippet=${id}>${text}</code></pre>
      <button type="button" @click=${() => this.copy(id, text)}>${fill(this.t.embed.copyThis, { what: title })}</button>
      ${this.copied === id ? html`<span role="status">${this.t.common.copied}</span>` : ''}
    </section>`;
  }

  private targetField() {
    const t = this.t.embed;
    const c = this.choice;
    const on = (e: Event) => this.set('target', (e.target as HTMLInputElement).value);
    if (c.widget === 'poll' || c.widget === 'consultation') {
      const items = c.widget === 'poll' ? this.polls : this.consultations;
      return html`<div class="field">
        <label for="target">${t.which}</label>
        <select id="target" @change=${on}>
          <option value="" ?selected=${!c.target}>—</option>
          ${items.map((i) => html`<option value=${i.id} ?selected=${i.id === c.target}>${i.label} (${i.id})</option>`)}
          ${c.target && !items.some((i) => i.id === c.target) ? html`<option value=${c.target} selected>${c.target}</option>` : ''}
        </select>
      </div>`;
    }
    if (c.widget === 'comments')
      return html`<div class="field">
        <label for="target">${t.thread}</label>
        <input id="target" .value=${c.target} @change=${on} maxlength="500" />
      </div>`;
    const field = (k: 'category' | 'status' | 'height', label: string) =>
      html`<div class="field">
        <label for=${k}>${label}</label>
        <input id=${k} .value=${c[k]} @change=${(e: Event) => this.set(k, (e.target as HTMLInputElement).value.trim())} />
      </div>`;
    return html`<div class="field">
        <label for="target">${t.project}</label>
        <input id="target" .value=${c.target} @change=${on} maxlength="100" />
      </div>
      ${field('category', t.category)} ${field('status', t.mapStatus)} ${field('height', t.height)}`;
  }

  render() {
    const t = this.t.embed;
    const c = this.choice;
    const ready = c.widget === 'comments' || c.widget === 'project-map' || !!c.target;
    return html`<h1>${t.title}</h1>
      <p>${t.intro}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <form class="base" @submit=${(e: Event) => e.preventDefault()}>
        <div class="row">
          <div class="field">
            <label for="widget">${t.widget}</label>
            <select id="widget" @change=${(e: Event) => this.set('widget', (e.target as HTMLSelectElement).value)}>
              ${WIDGETS.map((w) => html`<option value=${w} ?selected=${w === c.widget}>${t.widgets[w]}</option>`)}
            </select>
          </div>
          ${this.targetField()}
        </div>
        <div class="row">
          <div class="field">
            <label for="lang">${t.locale}</label>
            <select id="lang" @change=${(e: Event) => this.set('lang', (e.target as HTMLSelectElement).value)}>
              <option value="" ?selected=${!c.lang}>${t.localeAuto}</option>
              ${Object.entries(consoleLocales).map(([k, name]) => html`<option value=${k} lang=${k} ?selected=${c.lang === k}>${name}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="theme">${t.theme}</label>
            <select id="theme" @change=${(e: Event) => this.set('theme', (e.target as HTMLSelectElement).value)}>
              <option value="">—</option>
              ${(['light', 'dark', 'auto'] as const).map((k) => html`<option value=${k} ?selected=${c.theme === k}>${t.themes[k]}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="accent">${t.accent}</label>
            <input id="accent" type="color" .value=${c.accent || '#0b5cad'} @change=${(e: Event) => this.set('accent', (e.target as HTMLInputElement).value)} />
          </div>
        </div>
      </form>
      <h2>${t.preview}</h2>
      <p class="note">${fill(t.previewNote, { origin: location.origin })}</p>
      ${ready ? html`<civic-admin-preview .origin=${this.origin} .choice=${c}></civic-admin-preview>` : ''}
      <h2>${t.howTo}</h2>
      ${this.snippet('script', t.siteScript, siteScript(this.origin))}
      ${ready ? this.snippet('div', t.div, divSnippet(c)) : ''} ${ready ? this.snippet('element', t.element, elementSnippet(c)) : ''}
      ${this.snippet('css', t.css, pageCss(c))}
      <ul>
        <li>${t.wordpress}</li>
        <li>${t.drupal}</li>
        <li>${t.generic}</li>
        <li>${t.origins}</li>
      </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-embed': AdminEmbed;
  }
}
