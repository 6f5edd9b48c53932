import { html, type PropertyValues } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { fill } from '../../core/i18n/index.ts';
import type { LngLat } from '../../widgets/project-map/project-map.types.ts';
import { href } from '../router.ts';
import type { AdminMapSettings, AdminProject, ProjectGeometry, Site } from '../types.ts';
import { focusAlert, loadSites, siteField } from './form-parts.ts';
import { centerOf, type LocationChangeEvent } from './project-location.ts';
import './project-location.ts';
import { loadMapSettings, mapStyleUrl, PROJECT_STATUSES } from './project-sites.ts';
import { ConsoleView, locale } from './view.ts';

/**
 * Create (`#/projects/new`, or `#/projects/new?from=ID` to start from a copy), or edit
 * (`#/projects/ID/edit`) a project. The location is a point set on the map or typed; a line or
 * area the project already has is kept and drawn, or replaced by a point.
 */
@customElement('civic-admin-project-form')
export class AdminProjectForm extends ConsoleView {
  /** The project being edited, or the one being copied. */
  @state() private project: AdminProject | null = null;
  @state() private sites: Site[] | null = null;
  @state() private siteId = '';
  @state() private map: AdminMapSettings | null = null;
  @state() private at?: LngLat;
  /** The project's line or area, kept unless `replaceShape`. */
  @state() private shape?: ProjectGeometry;
  @state() private replaceShape = false;
  @state() private busy = false;
  @state() private saved = '';

  private get editing() {
    return this.route.rest[0] !== 'new' ? this.route.rest[0] : null;
  }

  private get copyFrom() {
    return this.editing ? null : this.route.params.get('from');
  }

  connectedCallback() {
    super.connectedCallback();
    if (this.route.params.has('created')) this.saved = this.t.projectEditor.created;
    void this.load();
  }

  /** Saving a new project opens it for editing: the same element, another route. */
  protected willUpdate(changed: PropertyValues) {
    if (!this.hasUpdated || !changed.has('route')) return;
    this.project = null;
    this.at = this.shape = undefined;
    this.replaceShape = false;
    this.error = '';
    this.saved = this.route.params.has('created') ? this.t.projectEditor.created : '';
    void this.load();
  }

  private async load() {
    const sites = loadSites(this.api).then((s) => (this.sites = s));
    const id = this.editing ?? this.copyFrom;
    if (id) {
      const p = await this.attempt(() => this.api.get<AdminProject>(`/v1/admin/projects/${encodeURIComponent(id)}`));
      if (!p) return;
      this.project = p;
      if (p.geometry.type === 'Point') this.at = p.geometry.coordinates as LngLat;
      else this.shape = p.geometry;
      await this.pickSite(p.properties.siteId);
    } else {
      await sites;
      await this.pickSite(this.route.params.get('site') ?? this.sites?.[0]?.id ?? '');
    }
  }

  /** A site's categories and map (center, style) come with it. */
  private async pickSite(id: string) {
    this.siteId = id;
    this.map = null;
    if (!id) return;
    const m = await this.attempt(() => loadMapSettings(this.api, id));
    if (m && this.siteId === id) this.map = m;
  }

  private geometry(): ProjectGeometry | undefined {
    if (this.shape && !this.replaceShape) return this.shape;
    return this.at && { type: 'Point', coordinates: this.at };
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const t = this.t.projectEditor;
    const f = new FormData(e.target as HTMLFormElement);
    const str = (k: string) => String(f.get(k) ?? '').trim();
    const geometry = this.geometry();
    this.saved = '';
    if (!geometry) {
      this.error = t.needPoint;
      return focusAlert(this);
    }
    const body = {
      title: str('title'),
      category: str('category'),
      status: str('status'),
      start: str('start'),
      end: str('end') || null,
      address: str('address') || null,
      description: str('description') || null,
      contact: str('contact') || null,
      link: str('link') || null,
      geometry,
    };
    this.busy = true;
    const editing = this.editing && this.project;
    const result = await this.attempt(() =>
      editing
        ? this.api.put<AdminProject>(`/v1/admin/projects/${encodeURIComponent(editing.id)}`, body)
        : this.api.post<AdminProject>('/v1/admin/projects', { ...body, siteId: str('siteId') || this.siteId }),
    );
    this.busy = false;
    if (!result) return focusAlert(this); // the fields keep what was typed
    if (editing) {
      this.project = result;
      this.saved = this.t.common.saved;
    } else location.hash = `${href('projects', result.id, 'edit')}?created=1`;
  }

  private locationPart() {
    const t = this.t.projectEditor;
    const shape = this.shape;
    return html`<fieldset>
      <legend>${t.location}</legend>
      ${shape
        ? html`<p class="note" id="shape-note">${fill(t.shapeKept, { shape: t.shapes[shape.type as keyof typeof t.shapes] ?? shape.type })}</p>
            <label class="check"
              ><input
                type="checkbox"
                .checked=${this.replaceShape}
                @change=${(e: Event) => {
                  this.replaceShape = (e.target as HTMLInputElement).checked;
                  this.at = this.replaceShape ? (this.at ?? centerOf(shape)) : undefined;
                }}
              />
              ${t.replaceShape}</label
            >`
        : ''}
      ${this.map
        ? html`<civic-admin-project-location
            .t=${this.t}
            .settings=${this.map}
            .styleUrl=${mapStyleUrl(this.api, this.siteId, this.map)}
            .at=${this.at}
            .shape=${shape}
            .pointMode=${!shape || this.replaceShape}
            .category=${this.project?.properties.category ?? ''}
            .locale=${locale(this)}
            @location-change=${(e: LocationChangeEvent) => (this.at = e.at)}
          ></civic-admin-project-location>`
        : html`<p role="status">${this.t.loading}</p>`}
    </fieldset>`;
  }

  render() {
    const t = this.t.projectEditor;
    const p = this.project?.properties;
    const editing = !!this.editing;
    if ((editing || this.copyFrom) && !this.project)
      return this.error ? html`<p class="error" role="alert">${this.error}</p>` : html`<p role="status">${this.t.loading}</p>`;
    const title = editing ? p!.title : this.copyFrom && p ? fill(t.copyOf, { title: p.title }).slice(0, 200) : '';
    const categories = this.map?.categories ?? [];
    const category = p?.category ?? '';
    return html`<h1>${editing ? t.editTitle : t.createTitle}</h1>
      <form @submit=${this.submit} class="base">
        ${this.error ? html`<p class="error" role="alert" tabindex="-1">${this.error}</p>` : ''}
        ${this.saved ? html`<p role="status">${this.saved}</p>` : ''}
        ${editing && this.route.params.has('created')
          ? html`<p><a href="#/embed?widget=project-map&id=${encodeURIComponent(this.editing!)}">${t.embedIt}</a></p>`
          : ''}
        ${editing
          ? html`<p>${this.t.common.site}: ${p!.siteId} · ${t.reviews[p!.review]} · ${t.sources[p!.source]}</p>`
          : html`<div @change=${(e: Event) => (e.target as HTMLElement).id === 'siteId' && this.pickSite((e.target as HTMLSelectElement).value)}>
              ${siteField(this.t, this.sites, this.siteId)}
            </div>`}
        <div class="field">
          <label for="title">${t.titleField}</label>
          <input id="title" name="title" required maxlength="200" .value=${title} />
        </div>
        <div class="row">
          <div class="field">
            <label for="category">${t.category}</label>
            <select id="category" name="category" required>
              ${categories.map((c) => html`<option value=${c.id} ?selected=${c.id === category}>${c.label}</option>`)}
              ${category && !categories.some((c) => c.id === category) ? html`<option value=${category} selected>${category}</option>` : ''}
            </select>
          </div>
          <div class="field">
            <label for="status">${this.t.common.status}</label>
            <select id="status" name="status">
              ${PROJECT_STATUSES.map((s) => html`<option value=${s} ?selected=${(p?.status ?? 'planned') === s}>${t.statuses[s]}</option>`)}
            </select>
          </div>
        </div>
        <div class="row">
          <div class="field">
            <label for="start">${t.start}</label>
            <input id="start" name="start" type="date" required .value=${p?.start ?? ''} />
          </div>
          <div class="field">
            <label for="end">${t.end}</label>
            <input id="end" name="end" type="date" .value=${p?.end ?? ''} />
          </div>
        </div>
        <div class="field">
          <label for="address">${t.address}</label>
          <input id="address" name="address" maxlength="300" autocomplete="off" .value=${p?.address ?? ''} />
        </div>
        <div class="field">
          <label for="description">${t.description}</label>
          <textarea id="description" name="description" rows="4" maxlength="5000" .value=${p?.description ?? ''}></textarea>
        </div>
        <div class="field">
          <label for="contact">${t.contact}</label>
          <input id="contact" name="contact" maxlength="300" .value=${p?.contact ?? ''} />
        </div>
        <div class="field">
          <label for="link">${t.link}</label>
          <input id="link" name="link" type="url" maxlength="2000" .value=${p?.link ?? ''} />
        </div>
        ${this.locationPart()}
        <div class="row">
          <button class="primary" ?disabled=${this.busy}>${this.t.common.save}</button>
          <a href="#/projects">${this.t.common.cancel}</a>
        </div>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-project-form': AdminProjectForm;
  }
}
