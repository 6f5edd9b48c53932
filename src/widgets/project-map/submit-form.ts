import { LitElement, css, html, nothing, type PropertyDeclarations } from 'lit';
import { errorMessage, type ApiClient, type ApiError } from '../../core/api-client.ts';
import { forgetParticipant, participant, rememberParticipant } from '../../core/participant.ts';
import { fill, loadPack, type Translation } from '../../core/i18n/index.ts';
import { formStrings, type FormStrings } from './i18n/form.ts';
import { fmtDegrees, nudge } from './picker-keys.ts';
import type { ProjectMapStrings } from './i18n/index.ts';
import type { Category, LngLat, Submission } from './project-map.types.ts';

/** Server codes the form explains in its own words (the rest: the shared error messages). */
const OWN: Record<string, keyof FormStrings> = {
  OUT_OF_BOUNDS: 'outOfBounds',
  INVALID_DATES: 'endBeforeStart',
  SUBMISSIONS_CLOSED: 'closed',
  DAILY_LIMIT: 'dailyLimit',
};

/** Adopted by the map widget's shadow root when the form first loads (it has no shadow root of its own). */
export const formStyles = css`
  .submit {
    display: grid;
    gap: 0.25rem;
  }
  .submit label {
    font-weight: 600;
    margin-block-start: 0.4rem;
  }
  .dates {
    display: flex;
    flex-wrap: wrap;
    gap: 0 0.75rem;
  }
  .dates > div {
    display: grid;
  }
  .where {
    display: grid;
    gap: 0.25rem;
    margin-block-start: 0.5rem;
  }
  .hint {
    font-size: 0.9em;
    margin: 0;
  }
  .picker[aria-pressed='true'] {
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .hp {
    position: absolute;
    inset-inline-start: -100vw;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-block-start: 0.5rem;
  }
  .submit .error {
    margin: 0.5rem 0 0;
  }
  .received:focus {
    outline: none;
  }
`;

let forms = 0;

/** Fired after the server accepted a resident's report (it waits for review). */
export class CivicProjectSubmitEvent extends Event {
  constructor(readonly submission: { id: string; status: string }) {
    super('civic-project-submit', { bubbles: true, composed: true });
  }
}

/**
 * Sends a report with the participant token (minting one if needed) and one Idempotency-Key for
 * all retries; a token the server no longer knows is replaced once.
 */
export async function submitProject(client: ApiClient, siteQuery: string, body: Submission, identity?: string) {
  const key = crypto.randomUUID();
  const post = async () =>
    client.request<{ id: string; status: string }>('POST', `v1/projects/submissions${siteQuery && '?' + siteQuery}`, {
      body,
      participant: await participant(client),
      identity,
      key,
    });
  const res = await post().catch((e: ApiError) => {
    if (e.code !== 'PARTICIPANT_INVALID') throw e;
    forgetParticipant(client);
    return post();
  });
  rememberParticipant(client, await participant(client));
  return res;
}

/** "52.09, 5.12" (latitude first, as people write it) → [lng, lat]; undefined if it is not that. */
export function parseCoordinates(text: string): LngLat | undefined {
  const m = text.trim().match(/^(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)$/);
  if (!m) return;
  const [lat, lng] = [+m[1], +m[2]];
  return Math.abs(lat) <= 90 && Math.abs(lng) <= 180 ? [lng, lat] : undefined;
}

const fmt = fmtDegrees;

/**
 * "Report a project": a resident's submission, which goes to moderation. What they typed stays in
 * the fields whatever fails. The location comes three ways: the map (click, drag the marker), the
 * keyboard (the picker button: arrow keys move, Enter confirms), or typed coordinates / an address.
 * Rendered into the map widget's shadow root (no shadow of its own), so its styles apply.
 */
export class ProjectForm extends LitElement {
  static properties: PropertyDeclarations = {
    t: { attribute: false },
    s: { attribute: false },
    locale: { attribute: false },
    f: { state: true },
    categories: { attribute: false },
    at: { attribute: false },
    hasMap: { attribute: false },
    error: { state: true },
    sending: { state: true },
    done: { state: true },
    confirmed: { state: true },
    coords: { state: true },
  };

  /** The shared strings, the widget's, and the form's own (English until the page's language arrives). */
  t!: Translation;
  s!: ProjectMapStrings;
  locale = 'en';
  private f: FormStrings = formStrings.en;
  categories: Category[] = [];
  /** The marker's position; starts at the map's center. */
  at?: LngLat;
  hasMap = false;
  private error?: unknown;
  private sending = false;
  private done = false;
  private confirmed = false;
  /** The coordinates field's text, kept as typed. */
  private coords = '';
  readonly #uid = `pf${++forms}`;
  send: (s: Submission) => Promise<unknown> = async () => {};
  /** The marker moved by keyboard or typed coordinates: the map follows. */
  move: (at: LngLat) => void = () => {};
  close: () => void = () => {};

  protected createRenderRoot() {
    return this;
  }

  connectedCallback() {
    super.connectedCallback();
    loadPack(formStrings, this.locale).then((f) => (this.f = f), () => {});
  }

  focus() {
    this.querySelector<HTMLElement>('input, button')?.focus();
  }

  /** Called by the widget when the map moved the marker (click or drag). */
  place(at: LngLat) {
    this.at = at;
    this.confirmed = true;
    this.coords = `${fmt(at[1])}, ${fmt(at[0])}`;
  }

  #key(e: KeyboardEvent) {
    const at = this.at && nudge(this.at, e);
    if (!at) return;
    e.preventDefault();
    this.at = at;
    this.confirmed = false;
    this.coords = `${fmt(at[1])}, ${fmt(at[0])}`;
    this.move(at);
  }

  #typed(e: Event) {
    const input = e.target as HTMLInputElement;
    this.coords = input.value;
    const at = parseCoordinates(input.value);
    input.setCustomValidity(input.value && !at ? this.f.badCoordinates : '');
    if (at) {
      this.at = at;
      this.confirmed = true;
      this.move(at);
    }
  }

  async #submit(e: Event) {
    e.preventDefault();
    if (this.sending) return;
    const form = e.target as HTMLFormElement;
    const v = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim();
    const end = form.elements.namedItem('end') as HTMLInputElement;
    end.setCustomValidity(v('end') && v('end') < v('start') ? this.f.endBeforeStart : '');
    const coords = form.elements.namedItem('coords') as HTMLInputElement;
    // A location is given by the marker (placed or confirmed), typed coordinates, or an address line.
    coords.setCustomValidity(
      v('coords') && !parseCoordinates(v('coords')) ? this.f.badCoordinates : !this.confirmed && !v('address') ? this.f.needLocation : '',
    );
    if (!form.reportValidity() || !this.at) return;
    this.sending = true;
    this.error = undefined;
    try {
      await this.send({
        title: v('title'),
        category: v('category'),
        start: v('start'),
        ...(v('end') ? { end: v('end') } : {}),
        description: v('description'),
        ...(v('email') ? { email: v('email') } : {}),
        ...(v('address') ? { address: v('address') } : {}),
        geometry: { type: 'Point', coordinates: this.at },
        website: v('website'),
      });
      this.done = true;
      await this.updateComplete;
      this.querySelector<HTMLElement>('.received')?.focus();
    } catch (err) {
      this.error = err; // the fields keep what was typed; the reason shows below them
    } finally {
      this.sending = false;
    }
  }

  #message(e: unknown) {
    const own = OWN[(e as ApiError)?.code];
    return own ? this.f[own] : errorMessage(this.t, e);
  }

  protected render() {
    const s = this.s;
    const f = this.f;
    const id = this.#uid;
    if (this.done)
      return html`<div class="received" tabindex="-1" role="status"
        ><p>${f.received}</p><button type="button" @click=${() => this.close()}>${s.close}</button></div
      >`;
    const at = this.at;
    const field = (name: string, label: string, input: unknown, hint?: string) =>
      html`<label for="${id}${name}">${label}</label>${input}${hint ? html`<span id="${id}${name}h" class="muted hint">${hint}</span>` : nothing}`;
    return html`<form class="submit" part="form" @submit=${this.#submit} novalidate
      ><h3>${s.report}</h3
      ><p class="muted">${f.reportIntro}</p
      >${field('title', f.reportTitle, html`<input id="${id}title" name="title" required maxlength="120" />`)}${field(
        'category',
        s.category,
        html`<select id="${id}category" name="category" required
          >${this.categories.map((c) => html`<option value=${c.id}>${c.label}</option>`)}</select
        >`,
      )}<div class="dates"
        ><div>${field('start', f.start, html`<input id="${id}start" name="start" type="date" required />`)}</div
        ><div>${field('end', f.end, html`<input id="${id}end" name="end" type="date" @input=${(e: Event) => (e.target as HTMLInputElement).setCustomValidity('')} />`)}</div></div
      >${field('description', f.description, html`<textarea id="${id}description" name="description" required rows="3" maxlength="4000"></textarea>`)}<fieldset class="where"
        ><legend>${f.location}</legend
        ><p id="${id}ph" class="muted hint">${this.hasMap ? f.pickerHelp : f.pickerNoMap}</p
        >${this.hasMap && at
          ? html`<button type="button" class="picker" aria-describedby="${id}ph" aria-pressed=${this.confirmed}
              @keydown=${this.#key} @click=${() => (this.confirmed = true)}
              >${s.picker} ${fill(f.pickerAt, { lat: fmt(at[1]), lng: fmt(at[0]) })}</button
            ><span class="sr" role="status">${this.confirmed ? f.confirmed : ''}</span>`
          : nothing}${field(
          'coords',
          f.coordinates,
          html`<input id="${id}coords" name="coords" inputmode="decimal" autocomplete="off" .value=${this.coords} @input=${this.#typed} placeholder="52.09, 5.12" />`,
        )}${field('address', f.addressLine, html`<input id="${id}address" name="address" maxlength="200" autocomplete="street-address"
          @input=${(e: Event) => ((e.target as HTMLFormElement).form!.elements.namedItem('coords') as HTMLInputElement).setCustomValidity('')} />`)}</fieldset
      >${field('email', f.email, html`<input id="${id}email" name="email" type="email" autocomplete="email" aria-describedby="${id}emailh" />`, f.emailWhy)}<label
        class="hp" aria-hidden="true">Website <input name="website" tabindex="-1" autocomplete="off" /></label
      >${this.error ? html`<p class="error" role="alert">${this.#message(this.error)}</p>` : nothing}<div class="actions"
        ><button class="primary" ?disabled=${this.sending}>${f.send}</button
        ><button type="button" @click=${() => this.close()}>${f.cancel}</button></div
      ></form
    >`;
  }
}
