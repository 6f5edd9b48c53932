import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { attributes, isHexColour, type EmbedChoice } from '../snippets.ts';

/**
 * The real widget, loaded from the backend's own bundle (`<origin>/poll.js`, what `/civic.js` would
 * import) and talking to that backend. The theme colour goes into a constructed stylesheet, which a
 * strict CSP allows (a style attribute it would not).
 */
@customElement('civic-admin-preview')
export class AdminPreview extends LitElement {
  static styles = css`
    :host {
      display: block;
      padding: 1rem;
      border: 2px dashed currentColor;
      border-radius: 0.5rem;
    }
  `;
  /** Where the widget bundle and the API live: the server that serves the console. */
  @property() origin = location.origin;
  @property({ attribute: false }) choice!: EmbedChoice;
  @state() private failed = '';
  private sheet = new CSSStyleSheet();
  private shown = '';

  connectedCallback() {
    super.connectedCallback();
    this.renderRoot instanceof ShadowRoot && this.adopt();
  }

  private adopt() {
    const root = this.renderRoot as ShadowRoot;
    if (!root.adoptedStyleSheets.includes(this.sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, this.sheet];
  }

  render() {
    return html`<div class="slot"></div>${this.failed ? html`<p role="alert">${this.failed}</p>` : ''}`;
  }

  protected updated() {
    this.adopt();
    const c = this.choice;
    if (!c) return;
    this.sheet.replaceSync(isHexColour(c.accent) ? `civic-${c.widget}{--civic-color-accent:${c.accent}}` : '');
    const attrs = attributes(c);
    const key = this.origin + c.widget + JSON.stringify(attrs);
    if (key === this.shown) return;
    this.shown = key;
    const box = this.renderRoot.querySelector('.slot')!;
    const el = document.createElement('civic-' + c.widget);
    el.setAttribute('api', this.origin);
    for (const [k, v] of attrs) el.setAttribute(k, v);
    box.replaceChildren(el);
    const file = c.widget === 'project-map' ? 'project-map' : c.widget;
    import(/* @vite-ignore */ `${this.origin}/${file}.js`).then(
      () => (this.failed = ''),
      (e: unknown) => (this.failed = String((e as Error)?.message ?? e)),
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-preview': AdminPreview;
  }
}
