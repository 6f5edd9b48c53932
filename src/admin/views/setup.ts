import { html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { AdminApiError } from '../api.ts';
import { setupFirstAdmin } from '../session.ts';
import { ConsoleView } from './view.ts';

/** First run (`#setup=<token>`): creates the first admin, then fires `setup-done`. */
@customElement('civic-admin-setup')
export class AdminSetup extends ConsoleView {
  @property() token = '';
  @state() private busy = false;

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    this.busy = true;
    this.error = '';
    try {
      await setupFirstAdmin(this.api, {
        token: this.token,
        email: String(data.get('email')),
        name: String(data.get('name')),
        password: String(data.get('password')),
      });
      this.dispatchEvent(new CustomEvent('setup-done', { bubbles: true, composed: true }));
    } catch (err) {
      this.error =
        err instanceof AdminApiError && (err.status === 401 || err.status === 403 || err.status === 404 || err.status === 410)
          ? this.t.setup.badToken
          : this.errorText(err);
    } finally {
      this.busy = false;
    }
  }

  render() {
    const t = this.t.setup;
    return html`<form class="base" @submit=${this.submit} aria-labelledby="h">
      <h1 id="h">${t.title}</h1>
      <p>${t.intro}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <div class="field">
        <label for="name">${t.name}</label>
        <input id="name" name="name" autocomplete="name" required maxlength="200" />
      </div>
      <div class="field">
        <label for="email">${this.t.signIn.email}</label>
        <input id="email" name="email" type="email" autocomplete="username" required />
      </div>
      <div class="field">
        <label for="password">${this.t.signIn.password}</label>
        <input id="password" name="password" type="password" autocomplete="new-password" required minlength="12" aria-describedby="ph" />
        <span id="ph" class="note">${t.passwordHint}</span>
      </div>
      <button class="primary" ?disabled=${this.busy}>${t.submit}</button>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-setup': AdminSetup;
  }
}
