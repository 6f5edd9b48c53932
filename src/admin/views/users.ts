import { html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { fill } from '../../core/i18n/index.ts';
import type { Role, User } from '../session.ts';
import { ConsoleView, locale } from './view.ts';

const ROLES: Role[] = ['admin', 'editor', 'moderator'];

/** Console accounts (admins only): list, add, change a role, remove. */
@customElement('civic-admin-users')
export class AdminUsers extends ConsoleView {
  @state() private users: User[] | null = null;
  @state() private note = '';

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    const r = await this.attempt(() => this.api.get<{ users: User[] }>('/v1/admin/users'));
    this.users = r?.users ?? [];
  }

  private async add(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const f = new FormData(form);
    const made = await this.attempt(() =>
      this.api.post<User>('/v1/admin/users', {
        name: String(f.get('name') ?? '').trim(),
        email: String(f.get('email') ?? '').trim(),
        role: f.get('role'),
        password: String(f.get('password') ?? ''),
      }),
    );
    if (!made) return;
    form.reset();
    this.users = [...(this.users ?? []), made];
    this.note = this.t.users.created;
  }

  private async setRole(u: User, role: Role) {
    const r = await this.attempt(() => this.api.patch<User>(`/v1/admin/users/${encodeURIComponent(u.id)}`, { role }));
    if (r) {
      this.users = this.users!.map((x) => (x.id === u.id ? r : x));
      this.note = this.t.users.changed;
    }
  }

  private async removeUser(u: User) {
    const ok = await this.attempt(() => this.api.del(`/v1/admin/users/${encodeURIComponent(u.id)}`).then(() => true));
    if (ok) {
      this.users = this.users!.filter((x) => x.id !== u.id);
      this.note = this.t.users.removed;
    }
  }

  render() {
    const t = this.t;
    const lang = locale(this);
    return html`<h1>${t.nav.users}</h1>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <p role="status">${this.note}</p>
      ${this.users === null
        ? html`<p role="status">${t.loading}</p>`
        : html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t.nav.users}>
            <table>
              <thead>
                <tr>
                  <th scope="col">${t.lists.name}</th>
                  <th scope="col">${t.lists.email}</th>
                  <th scope="col">${t.lists.role}</th>
                  <th scope="col">${t.lists.lastLogin}</th>
                  <th scope="col">${t.common.actions}</th>
                </tr>
              </thead>
              <tbody>
                ${this.users.map(
                  (u) => html`<tr data-user=${u.id}>
                    <th scope="row">${u.name}</th>
                    <td>${u.email}</td>
                    <td>
                      <select
                        aria-label=${fill(t.users.roleOf, { name: u.name })}
                        ?disabled=${u.id === this.user.id}
                        @change=${(e: Event) => this.setRole(u, (e.target as HTMLSelectElement).value as Role)}
                      >
                        ${ROLES.map((r) => html`<option value=${r} ?selected=${u.role === r}>${t.roles[r]}</option>`)}
                      </select>
                    </td>
                    <td>${u.lastLoginAt ? new Date(u.lastLoginAt).toLocaleString(lang) : ''}</td>
                    <td>
                      ${u.id === this.user.id ? '' : html`<button class="link" @click=${() => this.removeUser(u)}>${fill(t.users.remove, { name: u.name })}</button>`}
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`}
      <h2 id="add">${t.users.add}</h2>
      <form class="base" aria-labelledby="add" @submit=${this.add}>
        <div class="row">
          <div class="field">
            <label for="u-name">${t.lists.name}</label>
            <input id="u-name" name="name" required maxlength="200" autocomplete="off" />
          </div>
          <div class="field">
            <label for="u-email">${t.lists.email}</label>
            <input id="u-email" name="email" type="email" required autocomplete="off" />
          </div>
          <div class="field">
            <label for="u-role">${t.lists.role}</label>
            <select id="u-role" name="role">
              ${ROLES.map((r) => html`<option value=${r} ?selected=${r === 'editor'}>${t.roles[r]}</option>`)}
            </select>
          </div>
        </div>
        <div class="field">
          <label for="u-password">${t.users.password}</label>
          <input id="u-password" name="password" type="password" required minlength="12" autocomplete="new-password" />
        </div>
        <button class="primary">${t.users.create}</button>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-users': AdminUsers;
  }
}
