import { LitElement, type CSSResultGroup } from 'lit';
import { property, state } from 'lit/decorators.js';
import { fill } from '../../core/i18n/index.ts';
import { AdminApiError, type AdminApi } from '../api.ts';
import { en, type AdminStrings } from '../i18n/index.ts';
import type { Route } from '../router.ts';
import type { User } from '../session.ts';
import { consoleStyles } from '../styles.ts';

/** What every console screen gets from the shell: the API, the strings, the user and the route. */
export class ConsoleView extends LitElement {
  static styles: CSSResultGroup = consoleStyles;
  @property({ attribute: false }) api!: AdminApi;
  @property({ attribute: false }) t: AdminStrings = en;
  @property({ attribute: false }) user!: User;
  @property({ attribute: false }) route: Route = { section: '', rest: [], params: new URLSearchParams() };
  @state() protected error = '';

  /** A message for staff: the server's own message for validation errors (it names the field), a fixed one otherwise. */
  protected errorText(e: unknown): string {
    const t = this.t.errors;
    if (!(e instanceof AdminApiError)) return t.server;
    if (e.status === 0) return t.network;
    if (e.code === 'CSRF') return t.csrf;
    if (e.status === 403) return t.forbidden;
    if (e.status === 404) return t.notFound;
    if (e.status === 409) return fill(t.conflict, { message: e.message });
    if (e.status === 400 || e.status === 422) return fill(t.invalid, { message: e.message });
    return t.server;
  }

  #newest = 0;

  /**
   * Like attempt, for what a screen lists: tabs and filters change faster than the server answers,
   * so an answer overtaken by a newer call never resolves, and a slow list for a tab left behind
   * cannot replace the one chosen since.
   */
  protected async latest<T>(fn: () => Promise<T>): Promise<T | undefined> {
    const n = ++this.#newest;
    this.error = '';
    try {
      const r = await fn();
      if (n === this.#newest) return r;
    } catch (e) {
      // Nor does its failure show: the alert belongs to the list on screen.
      if (n === this.#newest) return void (this.error = this.errorText(e));
    }
    return new Promise<never>(() => {});
  }

  /** Runs an action, showing its failure in the screen's alert. */
  protected async attempt<T>(fn: () => Promise<T>): Promise<T | undefined> {
    this.error = '';
    try {
      return await fn();
    } catch (e) {
      this.error = this.errorText(e);
      return undefined;
    }
  }
}

export const locale = (el: Element) => document.documentElement.lang || el.ownerDocument.documentElement.lang || 'en';
