import { html, type TemplateResult } from 'lit';
import { fill } from '../../core/i18n/index.ts';
import type { AdminApi } from '../api.ts';
import type { AdminStrings } from '../i18n/index.ts';
import type { Site } from '../types.ts';

/** Pieces the content forms (polls, consultations) and the thread settings share. */

/** `datetime-local` speaks local time without a zone; the API speaks ISO UTC. */
export const toLocalInput = (iso: string | null) => {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 6e4).toISOString().slice(0, 16);
};
export const fromLocalInput = (v: string) => (v ? new Date(v).toISOString() : null);

/** Sites are an admin's business: for other roles the list is [] and the form asks for the site id instead. */
export const loadSites = (api: AdminApi): Promise<Site[]> =>
  api.get<{ sites: Site[] }>('/v1/admin/sites').then(
    (r) => r.sites,
    () => [],
  );

/** A site picker (`name="siteId"`): a select when the sites could be listed, else a slug input. */
export function siteField(t: AdminStrings, sites: Site[] | null, value = '', opts: { id?: string; name?: string; label?: string; required?: boolean; any?: string; onChange?: (value: string) => void } = {}) {
  const id = opts.id ?? 'siteId';
  const name = opts.name ?? 'siteId';
  const required = opts.required ?? true;
  const change = (e: Event) => opts.onChange?.((e.target as HTMLInputElement | HTMLSelectElement).value.trim());
  return html`<div class="field">
    <label for=${id}>${opts.label ?? t.common.site}</label>
    ${sites === null
      ? html`<span role="status">${t.loading}</span>`
      : sites.length
        ? html`<select id=${id} name=${name} ?required=${required} @change=${change}>
            ${opts.any !== undefined ? html`<option value="" ?selected=${!value}>${opts.any}</option>` : ''}
            ${sites.map((s) => html`<option value=${s.id} ?selected=${s.id === value}>${s.name} (${s.id})</option>`)}
          </select>`
        : html`<input id=${id} name=${name} ?required=${required} pattern="[a-z0-9][a-z0-9_\\-]{0,63}" .value=${value} @change=${change} />`}
  </div>`;
}

/** After a refused save: move focus to the alert so the reason is read out. */
export async function focusAlert(view: HTMLElement & { updateComplete: Promise<boolean>; renderRoot: HTMLElement | DocumentFragment }) {
  await view.updateComplete;
  view.renderRoot.querySelector<HTMLElement>('[role=alert]')?.focus();
}

export interface LabelList {
  /** Input ids are `${prefix}-${i}`. */
  prefix: string;
  legend: string;
  labels: string[];
  /** "Option {n}" */
  item: string;
  /** "Remove option {n}" */
  remove: string;
  add: string;
  /** This many rows are required and cannot be removed. */
  min: number;
  max: number;
  disabled?: boolean;
  onInput: (i: number, value: string) => void;
  onRemove: (i: number) => void;
  onAdd: () => void;
}

/**
 * An editable list of labels (poll options, consultation options, areas): one labelled input a row,
 * a remove button beyond the required ones, and "add" that moves focus to the new row.
 */
export function labelList(view: HTMLElement & { updateComplete: Promise<boolean>; renderRoot: HTMLElement | DocumentFragment }, l: LabelList): TemplateResult {
  return html`<fieldset ?disabled=${l.disabled}>
    <legend>${l.legend}</legend>
    ${l.labels.map(
      (label, i) => html`<div class="row field">
        <label class="sr" for="${l.prefix}-${i}">${fill(l.item, { n: i + 1 })}</label>
        <input
          id="${l.prefix}-${i}"
          .value=${label}
          ?required=${i < l.min}
          maxlength="200"
          placeholder=${fill(l.item, { n: i + 1 })}
          @input=${(e: Event) => l.onInput(i, (e.target as HTMLInputElement).value)}
        />
        ${l.labels.length > l.min ? html`<button type="button" @click=${() => l.onRemove(i)}>${fill(l.remove, { n: i + 1 })}</button>` : ''}
      </div>`,
    )}
    <button
      type="button"
      ?disabled=${l.labels.length >= l.max}
      @click=${async () => {
        l.onAdd();
        await view.updateComplete;
        view.renderRoot.querySelector<HTMLInputElement>(`#${l.prefix}-${l.labels.length}`)?.focus();
      }}
    >
      ${l.add}
    </button>
  </fieldset>`;
}
