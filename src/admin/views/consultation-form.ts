import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { fill } from '../../core/i18n/index.ts';
import { href } from '../router.ts';
import type { AdminConsultation, ConsultationType, ConsultationVisibility, Site } from '../types.ts';
import { focusAlert, fromLocalInput, labelList, loadSites, siteField, toLocalInput } from './form-parts.ts';
import { ConsoleView } from './view.ts';

const TYPES: ConsultationType[] = ['yes-no', 'scale', 'emoji', 'choice', 'text'];
const VISIBILITIES: ConsultationVisibility[] = ['always', 'after-answer', 'after-close', 'staff'];

/** A row of an options or areas list: `id` is kept for rows that came from the server, so renaming keeps answers attached. */
interface Item {
  id?: string;
  label: string;
}

/** An id the server accepts (a slug) from a label, unique in `taken`; labels in other scripts fall back to `prefix-n`. */
export function slugFor(label: string, taken: Set<string>, prefix: string): string {
  const base =
    label
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50) || prefix;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** Labelled rows as the API wants them: blank rows dropped, kept ids reused, new ones made from the label. */
function labelled(items: Item[], prefix: string) {
  const rows = items.map((i) => ({ id: i.id, label: i.label.trim() })).filter((i) => i.label);
  const taken = new Set(rows.flatMap((r) => (r.id ? [r.id] : [])));
  return rows.map((r) => ({ id: r.id ?? slugFor(r.label, taken, prefix), label: r.label }));
}

const lines = (v: string) =>
  v
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Create (`#/consultations/new`, or a prefilled copy with `?from=ID`) or edit (`#/consultations/ID/edit`)
 * a consultation. Once someone answered, the server refuses changes to the type and to the answers
 * offered; the form locks them and says why. After creating, the embed builder opens.
 */
@customElement('civic-admin-consultation-form')
export class AdminConsultationForm extends ConsoleView {
  /** The consultation being edited. */
  @state() private item: AdminConsultation | null = null;
  /** The consultation being copied (`?from=`). */
  @state() private source: AdminConsultation | null = null;
  @state() private sites: Site[] | null = null;
  @state() private type: ConsultationType = 'yes-no';
  @state() private options: Item[] = [{ label: '' }, { label: '' }];
  @state() private areas: Item[] = [];
  @state() private busy = false;
  @state() private saved = false;

  private get editing() {
    return this.route.rest[0] !== 'new' ? this.route.rest[0] : null;
  }

  private get from() {
    return this.editing ? null : this.route.params.get('from');
  }

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    void loadSites(this.api).then((s) => (this.sites = s));
    const id = this.editing ?? this.from;
    if (!id) return;
    const c = await this.attempt(() => this.api.get<AdminConsultation>(`/v1/admin/consultations/${encodeURIComponent(id)}`));
    if (!c) return;
    this.type = c.type;
    // A copy asks the same question afresh: its rows get new ids from their labels.
    const keep = !!this.editing;
    this.options = c.type === 'choice' ? c.options.map((o) => ({ id: keep ? o.id : undefined, label: o.label })) : this.options;
    this.areas = (c.areas ?? []).map((a) => ({ id: keep ? a.id : undefined, label: a.label }));
    if (this.editing) this.item = c;
    else this.source = c;
  }

  private get locked() {
    return (this.item?.results.respondents ?? 0) > 0;
  }

  private body(f: FormData): Record<string, unknown> {
    const str = (k: string) => String(f.get(k) ?? '').trim();
    const body: Record<string, unknown> = {
      siteId: str('siteId'),
      question: str('question'),
      description: str('description') || null,
      followUp: str('followUp') || null,
      areas: this.areas.some((a) => a.label.trim()) ? labelled(this.areas, 'area') : null,
      targeting: { paths: lines(str('paths')), sections: lines(str('sections')), siteWide: f.has('siteWide') },
      sampling: Number(str('sampling') || 1),
      capDays: Number(str('capDays') || 0),
      opensAt: fromLocalInput(str('opensAt')),
      closesAt: fromLocalInput(str('closesAt')),
      resultsVisibility: str('resultsVisibility'),
      nextSteps: str('nextSteps') || null,
    };
    if (this.type === 'scale') {
      const [low, mid, high] = ['scaleLow', 'scaleMid', 'scaleHigh'].map(str);
      // All three or none: a partial set goes to the server, which says what is missing.
      body.scaleLabels = low || mid || high ? { low, mid, high } : null;
    }
    if (this.type === 'text') body.maxLength = Number(str('maxLength') || 500);
    // What the server locks once someone answered is not sent at all then.
    if (!this.locked) {
      body.type = this.type;
      if (this.type === 'choice') body.options = labelled(this.options, 'option');
      if (this.type === 'yes-no') body.notSure = f.has('notSure');
    }
    return body;
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const body = this.body(f);
    const id = String(f.get('id') ?? '').trim();
    this.busy = true;
    this.saved = false;
    const result = await this.attempt(() =>
      this.item
        ? this.api.patch<AdminConsultation>(`/v1/admin/consultations/${encodeURIComponent(this.item.id)}`, body)
        : this.api.post<AdminConsultation>('/v1/admin/consultations', id ? { ...body, id } : body),
    );
    this.busy = false;
    if (!result) return focusAlert(this);
    if (this.item) {
      this.item = result;
      this.areas = (result.areas ?? []).map((a) => ({ ...a }));
      if (result.type === 'choice') this.options = result.options.map((o) => ({ ...o }));
      this.saved = true;
    } else {
      // The first thing after creating something: how to put it on a page.
      location.hash = `#/embed?widget=consultation&id=${encodeURIComponent(result.id)}&created=1`;
    }
  }

  private answerFields(p: AdminConsultation | null) {
    const t = this.t.consultationForm;
    const locked = this.locked;
    switch (this.type) {
      case 'yes-no':
        return html`<label class="check"><input type="checkbox" name="notSure" ?disabled=${locked} .checked=${p?.notSure ?? false} /> ${t.notSure}</label>`;
      case 'scale':
        return html`<fieldset>
          <legend>${t.scaleLabels}</legend>
          <p class="note" id="scale-hint">${t.scaleHint}</p>
          <div class="row">
            ${(['Low', 'Mid', 'High'] as const).map(
              (k) => html`<div class="field">
                <label for="scale${k}">${t[`scale${k}`]}</label>
                <input id="scale${k}" name="scale${k}" maxlength="100" aria-describedby="scale-hint" .value=${p?.scaleLabels?.[k.toLowerCase() as 'low'] ?? ''} />
              </div>`,
            )}
          </div>
        </fieldset>`;
      case 'emoji':
        return html`<p class="note">${t.emojiHint}</p>`;
      case 'choice':
        return labelList(this, {
          prefix: 'opt',
          legend: t.options,
          labels: this.options.map((o) => o.label),
          item: t.option,
          remove: t.removeOption,
          add: t.addOption,
          min: 2,
          max: 10,
          disabled: locked,
          onInput: (i, v) => (this.options = this.options.map((o, j) => (j === i ? { ...o, label: v } : o))),
          onRemove: (i) => (this.options = this.options.filter((_, j) => j !== i)),
          onAdd: () => (this.options = [...this.options, { label: '' }]),
        });
      case 'text':
        return html`<div class="field">
          <label for="maxLength">${t.maxLength}</label>
          <input id="maxLength" name="maxLength" type="number" min="1" max="2000" required .value=${String(p?.maxLength ?? 500)} />
        </div>`;
    }
  }

  render() {
    const t = this.t.consultationForm;
    const c = this.item;
    const p = c ?? this.source;
    if ((this.editing || this.from) && !p)
      return this.error ? html`<p class="error" role="alert">${this.error}</p>` : html`<p role="status">${this.t.loading}</p>`;
    const locked = this.locked;
    const title = c ? t.editTitle : this.source ? fill(t.copyTitle, { question: this.source.question }) : t.createTitle;
    const question = this.source ? fill(this.t.polls.copyOf, { question: this.source.question }).slice(0, 300) : (c?.question ?? '');
    return html`<h1>${title}</h1>
      ${c
        ? html`<p class="row">
            <a href=${href('consultations', c.id)}>${this.t.polls.results}</a>
            <a href="#/consultations/new?from=${encodeURIComponent(c.id)}">${t.duplicate}</a>
          </p>`
        : ''}
      <form @submit=${this.submit} class="base">
        ${this.error ? html`<p class="error" role="alert" tabindex="-1">${this.error}</p>` : ''}
        ${this.saved ? html`<p role="status">${this.t.common.saved}</p>` : ''}
        <fieldset>
          <legend>${t.questionGroup}</legend>
          ${siteField(this.t, this.sites, p?.siteId ?? '')}
          ${c
            ? ''
            : html`<div class="field">
                <label for="id">${t.id}</label>
                <input id="id" name="id" pattern="[a-z0-9][a-z0-9_\\-]{0,63}" aria-describedby="id-hint" />
                <span class="note" id="id-hint">${t.idHint}</span>
              </div>`}
          <div class="field">
            <label for="question">${t.question}</label>
            <input id="question" name="question" required maxlength="300" .value=${question} />
          </div>
          <div class="field">
            <label for="description">${t.description}</label>
            <textarea id="description" name="description" rows="2" maxlength="2000" .value=${p?.description ?? ''}></textarea>
          </div>
        </fieldset>
        <fieldset>
          <legend>${t.answersGroup}</legend>
          ${locked
            ? html`<p class="note" id="locked">
                ${fill(t.locked, { n: c!.results.respondents })}
                <a href="#/consultations/new?from=${encodeURIComponent(c!.id)}">${t.duplicate}</a>
              </p>`
            : ''}
          <div class="field">
            <label for="type">${t.type}</label>
            <select
              id="type"
              ?disabled=${locked}
              aria-describedby=${locked ? 'locked' : nothing}
              @change=${(e: Event) => (this.type = (e.target as HTMLSelectElement).value as ConsultationType)}
            >
              ${TYPES.map((k) => html`<option value=${k} ?selected=${this.type === k}>${t.types[k]}</option>`)}
            </select>
          </div>
          ${this.answerFields(p)}
          <div class="field">
            <label for="followUp">${t.followUp}</label>
            <input id="followUp" name="followUp" maxlength="300" .value=${p?.followUp ?? ''} />
          </div>
          ${labelList(this, {
            prefix: 'area',
            legend: t.areas,
            labels: this.areas.map((a) => a.label),
            item: t.area,
            remove: t.removeArea,
            add: t.addArea,
            min: 0,
            max: 100,
            onInput: (i, v) => (this.areas = this.areas.map((a, j) => (j === i ? { ...a, label: v } : a))),
            onRemove: (i) => (this.areas = this.areas.filter((_, j) => j !== i)),
            onAdd: () => (this.areas = [...this.areas, { label: '' }]),
          })}
        </fieldset>
        <fieldset>
          <legend>${t.targetingGroup}</legend>
          <p class="note">${t.targetingHint}</p>
          <div class="field">
            <label for="paths">${t.paths}</label>
            <textarea id="paths" name="paths" rows="3" .value=${p?.targeting.paths.join('\n') ?? ''}></textarea>
          </div>
          <div class="field">
            <label for="sections">${t.sections}</label>
            <textarea id="sections" name="sections" rows="2" .value=${p?.targeting.sections.join('\n') ?? ''}></textarea>
          </div>
          <label class="check"><input type="checkbox" name="siteWide" .checked=${p?.targeting.siteWide ?? false} /> ${t.siteWide}</label>
          <div class="row">
            <div class="field">
              <label for="sampling">${t.sampling}</label>
              <input id="sampling" name="sampling" type="number" min="1" max="1000" required .value=${String(p?.sampling ?? 1)} />
            </div>
            <div class="field">
              <label for="capDays">${t.capDays}</label>
              <input id="capDays" name="capDays" type="number" min="0" max="365" required .value=${String(p?.capDays ?? 30)} />
            </div>
          </div>
        </fieldset>
        <fieldset>
          <legend>${t.whenGroup}</legend>
          <div class="row">
            <div class="field">
              <label for="opensAt">${t.opensAt}</label>
              <input id="opensAt" name="opensAt" type="datetime-local" .value=${toLocalInput(c?.opensAt ?? null)} />
            </div>
            <div class="field">
              <label for="closesAt">${t.closesAt}</label>
              <input id="closesAt" name="closesAt" type="datetime-local" .value=${toLocalInput(c?.closesAt ?? null)} />
            </div>
          </div>
        </fieldset>
        <fieldset>
          <legend>${t.afterGroup}</legend>
          <div class="field">
            <label for="resultsVisibility">${t.visibility}</label>
            <select id="resultsVisibility" name="resultsVisibility">
              ${VISIBILITIES.map((v) => html`<option value=${v} ?selected=${(p?.resultsVisibility ?? 'after-answer') === v}>${t.visibilities[v]}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="nextSteps">${t.nextSteps}</label>
            <textarea id="nextSteps" name="nextSteps" rows="2" maxlength="500" .value=${p?.nextSteps ?? ''}></textarea>
          </div>
        </fieldset>
        <div class="row">
          <button class="primary" ?disabled=${this.busy}>${c ? this.t.common.save : t.create}</button>
          <a href=${c ? href('consultations', c.id) : '#/consultations'}>${this.t.common.cancel}</a>
        </div>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-consultation-form': AdminConsultationForm;
  }
}
