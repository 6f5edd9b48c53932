import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { baseLanguage, fill, isRtl, loadPack } from '../core/i18n/index.ts';
import { AdminApi } from './api.ts';
import { adminPack, consoleLocales, en, type AdminStrings } from './i18n/index.ts';
import { parseRoute, setupToken, type Route } from './router.ts';
import { currentSession, sectionsFor, signOut, type Section, type User } from './session.ts';
import { consoleStyles } from './styles.ts';
import './views/sign-in.ts';
import './views/setup.ts';
import './views/polls-list.ts';
import './views/poll-form.ts';
import './views/poll-results.ts';
import './views/embed-builder.ts';
import './views/moderation.ts';
import './views/lists.ts';
import './views/consultation.ts';
import './views/consultation-form.ts';
import './views/threads.ts';
import './views/site-form.ts';
import './views/users.ts';
import './views/project-list.ts';
import './views/project-form.ts';
import './views/project-import.ts';
import './views/audit.ts';
import './views/privacy.ts';

const LANG_KEY = 'civic-admin-lang';

/**
 * The staff console: sign-in (or first-run setup), then the shell with the sections the user's
 * role allows. `api-base` is '' in production (same origin as the API).
 */
@customElement('civic-admin-app')
export class AdminApp extends LitElement {
  static styles = [
    consoleStyles,
    css`
      :host {
        display: block;
        min-block-size: 100vh;
        background: var(--_bg);
      }
      .skip {
        position: absolute;
        inset-inline-start: 0.5rem;
        inset-block-start: -4rem;
        padding: 0.5rem 1rem;
        background: var(--_bg);
        z-index: 1;
      }
      .skip:focus {
        inset-block-start: 0.5rem;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
        justify-content: space-between;
        padding: 0.5rem 1rem;
        border-block-end: 1px solid var(--_line);
      }
      header .app {
        font-weight: 700;
        margin: 0;
      }
      header .who {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(12rem, 16rem) 1fr;
      }
      nav ul {
        list-style: none;
        padding: 1rem 0.5rem;
        margin: 0;
      }
      nav a {
        display: block;
        padding: 0.6rem 0.75rem;
        border-radius: var(--_radius);
        text-decoration: none;
      }
      nav a[aria-current='page'] {
        background: var(--_accent);
        color: var(--_on-accent);
      }
      main {
        padding: 1rem 1.5rem 3rem;
        min-inline-size: 0;
      }
      main:focus {
        outline: none;
      }
      .center {
        max-inline-size: 28rem;
        margin: 4rem auto;
        padding: 0 1rem;
      }
      @media (max-width: 48em) {
        .layout {
          grid-template-columns: 1fr;
        }
        nav ul {
          display: flex;
          flex-wrap: wrap;
          gap: 0.25rem;
          padding: 0.5rem;
        }
        main {
          padding: 1rem;
        }
      }
      @media (forced-colors: active) {
        nav a[aria-current='page'] {
          forced-color-adjust: none;
          background: Highlight;
          color: HighlightText;
        }
      }
    `,
  ];

  @property({ attribute: 'api-base' }) apiBase = '';
  /** Where the widget bundle (/civic.js) lives for previews and snippets: this server, unless told. */
  @property({ attribute: 'widget-origin' }) widgetOrigin = location.origin;
  /** Tests and embedding code may hand over a user (a service credential needs no session). */
  @property({ attribute: false }) user: User | null = null;
  @state() private phase: 'loading' | 'signin' | 'setup' | 'app' = 'loading';
  @state() private t: AdminStrings = en;
  @state() private route: Route = parseRoute(location.hash);
  @state() private notice = '';
  @state() private uiLang = 'en';
  @state() private fatal = '';
  api!: AdminApi;

  private onHash = () => {
    this.route = parseRoute(location.hash);
    if (setupToken(location.hash)) this.phase = 'setup';
  };

  connectedCallback() {
    super.connectedCallback();
    this.api = new AdminApi(this.apiBase);
    this.api.onUnauthorized = () => {
      this.user = null;
      this.notice = this.t.signIn.expired;
      this.phase = 'signin';
    };
    addEventListener('hashchange', this.onHash);
    void this.setLanguage(localStorage.getItem(LANG_KEY) ?? baseLanguage(navigator.language));
    void this.start();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener('hashchange', this.onHash);
  }

  private async start() {
    if (setupToken(location.hash)) {
      this.phase = 'setup';
      return;
    }
    if (this.user) {
      this.phase = 'app';
      return;
    }
    try {
      this.user = await currentSession(this.api);
      this.phase = this.user ? 'app' : 'signin';
    } catch {
      this.fatal = this.t.errors.network;
      this.phase = 'signin';
    }
  }

  private async setLanguage(lang: string) {
    const l = baseLanguage(lang);
    this.t = await loadPack(adminPack, l);
    this.uiLang = l;
    localStorage.setItem(LANG_KEY, l);
    document.documentElement.lang = l;
    document.documentElement.dir = isRtl(l) ? 'rtl' : 'ltr';
  }

  private async doSignOut() {
    try {
      await signOut(this.api);
    } finally {
      this.user = null;
      this.notice = '';
      this.phase = 'signin';
    }
  }

  /** A button, not `href="#main"`: the hash holds the route, and main lives in this shadow root. */
  private skip() {
    this.renderRoot.querySelector<HTMLElement>('main')?.focus();
  }

  private languagePicker() {
    return html`<label class="check"
      >${this.t.language}
      <select @change=${(e: Event) => this.setLanguage((e.target as HTMLSelectElement).value)}>
        ${Object.entries(consoleLocales).map(
          ([code, name]) => html`<option value=${code} lang=${code} ?selected=${code === this.uiLang}>${name}</option>`,
        )}
      </select></label
    >`;
  }

  protected updated() {
    // Marks the first screen that takes input (sign-in, setup or the shell): what the 1 s target measures.
    if (this.phase !== 'loading' && !performance.getEntriesByName('civic-admin:interactive').length) performance.mark('civic-admin:interactive');
  }

  render() {
    if (this.phase === 'loading') return html`<p class="center" role="status">${this.t.loading}</p>`;
    if (this.phase === 'setup')
      return html`<main class="center">
        ${this.languagePicker()}
        <civic-admin-setup
          .api=${this.api}
          .t=${this.t}
          .token=${setupToken(location.hash) ?? ''}
          @setup-done=${() => {
            history.replaceState(null, '', location.pathname);
            this.notice = this.t.setup.done;
            this.phase = 'signin';
          }}
        ></civic-admin-setup>
      </main>`;
    if (this.phase === 'signin' || !this.user)
      return html`<main class="center">
        ${this.languagePicker()} ${this.fatal ? html`<p class="error" role="alert">${this.fatal}</p>` : nothing}
        <civic-admin-sign-in
          .api=${this.api}
          .t=${this.t}
          .notice=${this.notice}
          @signed-in=${(e: CustomEvent<User>) => {
            this.user = e.detail;
            this.notice = '';
            this.fatal = '';
            this.phase = 'app';
          }}
        ></civic-admin-sign-in>
      </main>`;
    return this.shell(this.user);
  }

  private shell(user: User) {
    const t = this.t;
    const sections = sectionsFor(user.role);
    const current = (sections as string[]).includes(this.route.section) || this.route.section === 'embed' ? this.route.section : sections[0];
    return html`<button class="skip link" @click=${this.skip}>${t.skip}</button>
      <header>
        <p class="app">${t.appName}</p>
        <div class="who">
          ${this.languagePicker()}
          <span>${fill(t.signedInAs, { name: user.name || user.email, role: t.roles[user.role] })}</span>
          <button @click=${this.doSignOut}>${t.signOut}</button>
        </div>
      </header>
      <div class="layout">
        <nav aria-label=${t.nav.label}>
          <ul>
            ${sections.map(
              (s) =>
                html`<li><a href="#/${s}" aria-current=${s === current || (s === 'polls' && current === 'embed') ? 'page' : nothing}>${t.nav[s]}</a></li>`,
            )}
          </ul>
        </nav>
        <main id="main" tabindex="-1">${keyed(this.routeKey, this.view(current as Section | 'embed', user))}</main>
      </div>`;
  }

  /** A new route gets a new screen: no form keeps another item's state (edit → duplicate renders the same element). */
  private get routeKey() {
    const r = this.route;
    return `${r.section}/${r.rest.join('/')}?${r.params}`;
  }

  private view(section: Section | 'embed', user: User) {
    const p = { api: this.api, t: this.t, user, route: this.route };
    const [first, second] = this.route.rest;
    switch (section) {
      case 'polls':
        if (first === 'new' || second === 'edit')
          return html`<civic-admin-poll-form .api=${p.api} .t=${p.t} .user=${user} .route=${p.route}></civic-admin-poll-form>`;
        if (second === 'results')
          return html`<civic-admin-poll-results .api=${p.api} .t=${p.t} .user=${user} .route=${p.route}></civic-admin-poll-results>`;
        return html`<civic-admin-polls .api=${p.api} .t=${p.t} .user=${user} .route=${p.route}></civic-admin-polls>`;
      case 'embed':
        return html`<civic-admin-embed .origin=${this.widgetOrigin} .api=${p.api} .t=${p.t} .user=${user} .route=${p.route}></civic-admin-embed>`;
      case 'consultations':
        if (first === 'new' || second === 'edit')
          return html`<civic-admin-consultation-form .api=${p.api} .t=${p.t} .user=${user} .route=${p.route}></civic-admin-consultation-form>`;
        if (first)
          return html`<civic-admin-consultation .api=${p.api} .t=${p.t} .user=${user} .route=${p.route}></civic-admin-consultation>`;
        return html`<civic-admin-list .section=${section} .api=${p.api} .t=${p.t} .user=${user} .route=${p.route}></civic-admin-list>`;
      case 'projects':
        if (first === 'import')
          return html`<civic-admin-project-import .api=${p.api} .t=${p.t} .user=${user} .route=${p.route}></civic-admin-project-import>`;
        if (first === 'new' || second === 'edit')
          return html`<civic-admin-project-form .api=${p.api} .t=${p.t} .user=${user} .route=${p.route}></civic-admin-project-form>`;
        return html`<civic-admin-projects .api=${p.api} .t=${p.t} .user=${user} .route=${p.route}></civic-admin-projects>`;
      case 'sites':
        if (first) return html`<civic-admin-site .api=${p.api} .t=${p.t} .user=${user} .route=${p.route}></civic-admin-site>`;
        return html`<civic-admin-list .section=${section} .api=${p.api} .t=${p.t} .user=${user} .route=${p.route}></civic-admin-list>`;
      case 'users':
        return html`<civic-admin-users .api=${p.api} .t=${p.t} .user=${user} .route=${p.route}></civic-admin-users>`;
      case 'audit':
        return html`<civic-admin-audit .api=${p.api} .t=${p.t} .user=${user} .route=${p.route}></civic-admin-audit>`;
      case 'privacy':
        return html`<civic-admin-privacy .api=${p.api} .t=${p.t} .user=${user} .route=${p.route}></civic-admin-privacy>`;
      case 'threads':
        return html`<civic-admin-threads .api=${p.api} .t=${p.t} .user=${user} .route=${p.route}></civic-admin-threads>`;
      case 'comments':
        return html`<civic-admin-moderation .api=${p.api} .t=${p.t} .user=${user} .route=${p.route}></civic-admin-moderation>`;
      default:
        return html`<civic-admin-list .section=${section} .api=${p.api} .t=${p.t} .user=${user} .route=${p.route}></civic-admin-list>`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-app': AdminApp;
  }
}
