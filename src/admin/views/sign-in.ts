import { html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { fill } from '../../core/i18n/index.ts';
import { AdminApiError } from '../api.ts';
import { signIn } from '../session.ts';
import { ConsoleView } from './view.ts';

/** Email and password. Fires `signed-in` with the user; shows 401 and 429 (with the wait) plainly. */
@customElement('civic-admin-sign-in')
export class AdminSignIn extends ConsoleView {
  /** A note above the form, e.g. "your session ended" or "the administrator was created". */
  @property() notice = '';
  @state() private busy = false;

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    this.busy = true;
    this.error = '';
    try {
      const user = await signIn(this.api, String(data.get('email')), String(data.get('password')));
      this.dispatchEvent(new CustomEvent('signed-in', { detail: user, bubbles: true, composed: true }));
    } catch (err) {
      const t = this.t.signIn;
      if (err instanceof AdminApiError && err.status === 401) this.error = t.invalid;
      else if (err instanceof AdminApiError && err.status === 429)
        this.error = err.retryAfter ? fill(t.tooMany, { minutes: Math.max(1, Math.ceil(err.retryAfter / 60)) }) : t.tooManyNoTime;
      else this.error = this.errorText(err);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[role=alert]')?.focus();
    } finally {
      this.busy = false;
    }
  }

  render() {
    const t = this.t.signIn;
    return html`<form class="base" @submit=${this.submit} aria-labelledby="h">
      <h1 id="h">${t.title}</h1>
      ${this.notice ? html`<p class="note" role="status">${this.notice}</p>` : ''}
      ${this.error ? html`<p class="error" role="alert" tabindex="-1">${this.error}</p>` : ''}
      <div class="field">
        <label for="email">${t.email}</label>
        <input id="email" name="email" type="email" autocomplete="username" required />
      </div>
      <div class="field">
        <label for="password">${t.password}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
      </div>
      <button class="primary" ?disabled=${this.busy}>${t.submit}</button>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-sign-in': AdminSignIn;
  }
}
