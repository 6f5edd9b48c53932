import { LitElement, html, nothing, type PropertyDeclarations } from 'lit';
import { errorMessage } from '../../core/api-client.ts';
import { en, fill, plural, type Translation } from '../../core/i18n/index.ts';
import { commentsStrings, type CommentsStrings } from './i18n/index.ts';

export interface CommentFields {
  name: string;
  body: string;
  /** The honeypot: people never see it, bots fill it in. */
  website: string;
}

let forms = 0;

/**
 * Writing a comment, a reply or an edit. Whatever fails, the text stays in the box: a resident
 * never loses what they typed. Rendered into the comments widget's shadow root (no shadow of its
 * own), so the widget's styles apply.
 */
export class CommentForm extends LitElement {
  static properties: PropertyDeclarations = {
    t: { attribute: false },
    s: { attribute: false },
    locale: { attribute: false },
    verifiedName: { attribute: false },
    submitLabel: { attribute: false },
    cancellable: { type: Boolean },
    max: { type: Number },
    body: { state: true },
    name: { state: true },
    error: { state: true },
    sending: { state: true },
  };

  t: Translation = en;
  s: CommentsStrings = commentsStrings.en;
  locale = 'en';
  verifiedName?: string;
  submitLabel = '';
  cancellable = false;
  max = 5000;
  body = '';
  name = '';
  private error?: unknown;
  private sending = false;
  readonly #uid = `f${++forms}`;
  /** Sends the fields; a rejection is shown here and the text is kept. */
  send: (fields: CommentFields) => Promise<unknown> = async () => {};
  cancel: () => void = () => {};

  protected createRenderRoot() {
    return this;
  }

  focus() {
    this.querySelector('textarea')?.focus();
  }

  async #submit(e: Event) {
    e.preventDefault();
    if (this.sending) return;
    const form = e.target as HTMLFormElement;
    this.sending = true;
    this.error = undefined;
    const body = this.body;
    this.body = '';
    try {
      await this.send({ name: this.name.trim(), body, website: (form.elements.namedItem('website') as HTMLInputElement).value });
    } catch (err) {
      this.body = body; // back in the box, with the reason below it
      this.error = err;
    } finally {
      this.sending = false;
    }
  }

  protected render() {
    const t = this.s;
    const id = this.#uid;
    // No whitespace between the boxes of a grid or flex container: it would only be bytes.
    return html`<form class="compose" part="form" @submit=${this.#submit}
      >${this.verifiedName !== undefined
        ? html`<p class="muted">${fill(t.verifiedAs, { name: this.verifiedName })}</p>`
        : html`<label for="${id}n">${t.name}</label
            ><input id="${id}n" autocomplete="nickname" required maxlength="60" .value=${this.name}
              @input=${(e: InputEvent) => (this.name = (e.target as HTMLInputElement).value)} />`}<label for="${id}b"
        >${t.body}</label
      ><textarea id="${id}b" required rows="4" maxlength=${this.max} aria-describedby="${id}c" .value=${this.body}
        @input=${(e: InputEvent) => (this.body = (e.target as HTMLTextAreaElement).value)}></textarea
      ><span id="${id}c" class="muted">${plural(t.charsLeft, this.max - this.body.length, this.locale)}</span
      ><label class="hp" aria-hidden="true">Website <input name="website" tabindex="-1" autocomplete="off" /></label
      >${this.error ? html`<p class="error" role="alert">${errorMessage(this.t, this.error)}</p>` : nothing}<div class="actions"
        ><button class="primary" ?disabled=${this.sending}>${this.submitLabel || t.post}</button
        >${this.cancellable ? html`<button type="button" @click=${() => this.cancel()}>${t.cancel}</button>` : nothing}</div
      ></form
    >`;
  }
}
