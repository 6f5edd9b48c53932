import { LitElement, html, type CSSResultGroup, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { ContextEvent } from '@lit/context';
import { ApiClient, errorMessage, loadErrors } from './api-client.ts';
import { configContext, type CivicConfig } from './config-context.ts';
import { participant } from './participant.ts';
import { pageDefaults } from './page-defaults.ts';
import { core, en, isRtl, loadPack, resolveLocale, supported, warmUp, type Pack, type Translation } from './i18n/index.ts';
import { base } from './styles/tokens.ts';

const clients: Record<string, ApiClient> = {};

/** Fired when a widget falls into its error state, so a host page can log it. */
export class CivicErrorEvent extends Event {
  constructor(readonly error: unknown) {
    super('civic-error', { bubbles: true, composed: true });
  }
}

/**
 * The base of every widget: resolves the backend (attribute > `<civic-config>` > the loader's
 * `data-api` > the script's own origin), the locale and direction, and keeps every failure
 * inside the widget as a localized error state with a retry — never in the host page.
 * @fires civic-error - CivicErrorEvent, when the widget falls into its error state.
 */
export abstract class CivicElement<S = unknown> extends LitElement {
  static styles: CSSResultGroup = [base];

  // Declared without decorators: Lit's `static properties` ships no decorator helpers.
  static properties: PropertyDeclarations = {
    api: {},
    identityToken: { attribute: 'identity-token' },
    getIdentityToken: { attribute: false },
    theme: { reflect: true },
    config: { state: true },
    t: { state: true },
    s: { state: true },
    failure: { state: true },
    loaded: { state: true },
  };

  /** Backend URL; overrides `<civic-config>` and the script tag's `data-api`. */
  api?: string;
  /** The host site's signed login token, for "verified residents only" content. */
  identityToken?: string;
  /** Called when the widget needs the host's login token; may return a promise. */
  getIdentityToken?: CivicConfig['getIdentityToken'];
  /** Colour scheme: `light` (default), `dark`, or `auto` to follow the reader's system. */
  theme?: 'light' | 'dark' | 'auto';

  protected config?: CivicConfig;
  /** The strings all widgets share (errors, loading, retry). */
  protected t: Translation = en;
  /** The widget's own strings, from its pack: English until the page's language has arrived. */
  protected s!: S;
  protected abstract readonly pack: Pack<S>;
  protected failure?: unknown;
  protected loaded = false;
  /** The locale used for text and Intl formatting: the page's, if we have its translation. */
  protected locale = 'en';
  #loadKey?: string;
  /** The page's language for both packs (set on connect, before any load). */
  #translation?: Promise<unknown>;
  #generation = 0;
  /** `:host(:state(ready))` lets the styles release the height reserved while loading. */
  #internals = this.attachInternals();
  /** Leaves the `<civic-config>` we subscribed to. */
  #unsubscribe?: () => void;
  // The context protocol by hand (what @lit/context's ContextConsumer does, in fewer bytes). One
  // callback for the element's life, so a provider recognises it when the element reconnects.
  #onConfig = (c: CivicConfig | undefined, unsubscribe?: () => void) => {
    // Another provider answered (the element moved): leave the old one.
    if (this.#unsubscribe !== unsubscribe) this.#unsubscribe?.();
    this.#unsubscribe = unsubscribe;
    this.config = c;
  };

  /** What identifies the content to load (e.g. the poll id); a change reloads. */
  protected abstract contentKey(): string | undefined;
  /** Loads the content; a rejection becomes the error state. */
  protected abstract fetchContent(): Promise<void>;
  protected abstract renderContent(): TemplateResult;

  get client(): ApiClient {
    const url = this.api || this.config?.api || pageDefaults().api || new URL(import.meta.url).origin;
    return (clients[url] ??= new ApiClient(url));
  }

  protected async identity(): Promise<string | undefined> {
    const c = this.config;
    return this.identityToken ?? c?.identityToken ?? (await (this.getIdentityToken ?? c?.getIdentityToken)?.());
  }

  constructor() {
    super();
    // Fetches a participant token while the resident is still choosing or typing, so sending is one
    // round trip; and the outbox, so a write can wait on the device even if the connection drops.
    this.addEventListener('focusin', () => {
      participant(this.client).catch(() => {});
      if (this.keepsWrites) this.client.outbox().catch(() => {});
    });
  }

  connectedCallback() {
    super.connectedCallback();
    this.dispatchEvent(new ContextEvent(configContext, this, this.#onConfig, true));
    const wanted = resolveLocale(this);
    this.locale = supported.includes(wanted.toLowerCase().split('-')[0]) ? wanted : 'en';
    // A missing translation chunk is no reason to fail: English stays.
    this.s ??= this.pack.en;
    this.#translation = Promise.all([loadPack(core, this.locale), loadPack(this.pack, this.locale)]).then(
      ([t, s]) => ((this.t = t), (this.s = s)),
      () => {},
    );
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  protected willUpdate(changed: PropertyValues) {
    super.willUpdate(changed);
    const key = this.client.base + ' ' + this.contentKey();
    if (key !== this.#loadKey) {
      this.#loadKey = key;
      this.reload();
    }
  }

  /** Shows the skeleton and loads again: the error state's retry. */
  protected reload() {
    const run = ++this.#generation;
    this.failure = undefined;
    this.loaded = false;
    setTimeout(() => {
      warmUp(this.locale);
      // A failure shown before the error texts arrived is drawn again with its own text.
      loadErrors().then(() => this.failure && this.requestUpdate(), () => {});
    });
    // Content and its language arrive together: no flash of English before the page's language.
    Promise.all([this.fetchContent(), this.#translation]).then(
      () => run === this.#generation && (this.loaded = true),
      (e) => run === this.#generation && this.fail(e),
    );
  }

  protected fail(e: unknown) {
    this.failure = e;
    this.dispatchEvent(new CivicErrorEvent(e));
  }

  /** Whether a failed write of this widget may wait on the device for the connection (core/outbox.ts). */
  protected keepsWrites = false;

  /** Whether the first update waits for the next task (an inline element whose fallback text must not blink says no). */
  protected splitFirstTask = true;

  // Lit rethrows render errors asynchronously, where the host page would see them. The first
  // update also waits for the next task, so evaluating the bundle and drawing the widget are two
  // short main-thread tasks instead of one long one.
  protected async scheduleUpdate() {
    if (!this.hasUpdated && this.splitFirstTask) await new Promise((r) => setTimeout(r));
    try {
      return super.scheduleUpdate();
    } catch (e) {
      if (this.failure) return console.error(e); // the error state itself failed: stay quiet
      this.fail(e);
    }
  }

  protected updated(changed: PropertyValues) {
    super.updated(changed);
    try {
      this.#internals.states[this.loaded || this.failure ? 'add' : 'delete']('ready');
    } catch {
      /* browsers without custom states keep the reserved height as a minimum */
    }
  }

  protected render() {
    const busy = !this.loaded && !this.failure;
    return html`<div part="base" class="base ${busy ? 'busy' : ''}" lang=${this.locale} dir=${isRtl(this.locale) ? 'rtl' : 'ltr'} aria-busy=${busy}
      >${this.failure
        ? this.renderError(this.failure, () => this.reload())
        : busy
          ? html`<div part="skeleton" class="skeleton" role="status"><span class="sr">${this.t.loading}</span></div>`
          : this.renderContent()}</div
    >`;
  }

  /** A localized message with a retry; used for load failures and by widgets for failed actions. */
  protected renderError(e: unknown, retry: () => void) {
    return html`<div part="error" class="error" role="alert"
      ><p>${errorMessage(this.t, e)}</p
      ><button part="retry" type="button" @click=${retry}>${this.t.retry}</button></div
    >`;
  }
}
