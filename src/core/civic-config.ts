import { LitElement, html, css } from 'lit';
import { property } from 'lit/decorators.js';
import { provide } from '@lit/context';
import { configContext, type CivicConfig } from './config-context.ts';

/**
 * Shares settings with every civic widget inside it, e.g. one backend for a whole page section.
 * @tagname civic-config
 * @summary Configuration for the civic widgets it contains.
 * @slot - The widgets (and any other content).
 */
export class CivicConfigElement extends LitElement {
  static styles = css`
    :host {
      display: contents;
    }
  `;

  /** Backend URL for the widgets inside. */
  @property() api?: string;
  /** The host site's signed login token, for "verified residents only" content. */
  @property({ attribute: 'identity-token' }) identityToken?: string;
  /** Called when a widget needs the login token; may return a promise. */
  @property({ attribute: false }) getIdentityToken?: CivicConfig['getIdentityToken'];

  @provide({ context: configContext }) config?: CivicConfig;

  willUpdate() {
    this.config = { api: this.api, identityToken: this.identityToken, getIdentityToken: this.getIdentityToken };
  }

  render() {
    return html`<slot></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-config': CivicConfigElement;
  }
}
