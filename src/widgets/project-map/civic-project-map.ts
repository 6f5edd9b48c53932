import { html, nothing, type CSSResult, type PropertyDeclarations, type PropertyValues } from 'lit';
import { CivicElement } from '../../core/civic-element.ts';
import { isRtl, plural } from '../../core/i18n/index.ts';
import { projectMapStyles } from './civic-project-map.styles.ts';
import type { HashState } from './hash-state.ts';
import { projectMapStrings, type ProjectMapStrings } from './i18n/index.ts';
import { categoryIcon, statusSwatch } from './legend.ts';
import { dates } from './format.ts';
import type { MapView } from './map-view.ts';
import { define } from '../../core/define.ts';
import { filterProjects, indexProjects, type ProjectIndex } from './project-filters.ts';
import { renderList } from './project-list.ts';
import { hasWebgl2 } from './webgl.ts';
import { STATUSES, type Bounds, type Category, type Filters, type LngLat, type MapSettings, type ProjectCollection, type ProjectDetails, type Status, type Submission } from './project-map.types.ts';
import type { CivicProjectSubmitEvent, ProjectForm } from './submit-form.ts';

/** Fired when a project is selected (in the list or on the map). */
export class CivicProjectSelectEvent extends Event {
  constructor(readonly project: string) {
    super('civic-project-select', { bubbles: true, composed: true });
  }
}

type MapState = 'idle' | 'loading' | 'ready' | 'nowebgl' | 'failed';
type DateMode = 'any' | 'day' | 'between';
const PAGE = 50;
const HEIGHT = /^\d+(\.\d+)?(px|rem|em|vh|svh|dvh|lvh)$/;

const list = (v?: string) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : []);
const numbers = (v: string | undefined, n: number) => {
  const xs = list(v).map(Number);
  return xs.length === n && xs.every(Number.isFinite) ? xs : undefined;
};

/**
 * What is happening where, and when: the city's projects on a map with a list beside it that is
 * always in sync, filters by category, status, date and text, details in a panel, and a form for
 * residents to report projects. The list and filters work before maplibre loads and without WebGL.
 *
 * @tagname civic-project-map
 * @summary Projects on a map, with a synced list, filters and resident reports.
 * @event civic-project-select - CivicProjectSelectEvent, when a project is selected.
 * @event civic-project-submit - CivicProjectSubmitEvent, after the server accepted a report.
 * @event civic-error - CivicErrorEvent, when the projects cannot be shown.
 * @csspart base - The widget's box.
 * @csspart list - The project list.
 * @csspart map - The map area.
 * @csspart details - The details panel.
 * @csspart form - The report form.
 * @cssproperty --civic-min-block-size - Height reserved while loading (default: the `height` attribute, 32rem).
 */
export class CivicProjectMap extends CivicElement<ProjectMapStrings> {
  static styles = [CivicElement.styles, projectMapStyles];
  static properties: PropertyDeclarations = {
    site: {},
    category: {},
    status: {},
    from: {},
    to: {},
    bbox: {},
    center: {},
    zoom: { type: Number },
    project: {},
    height: {},
    hash: { type: Boolean },
    mapStyle: { attribute: 'map-style' },
    settings: { state: true },
    filters: { state: true },
    dateMode: { state: true },
    shown: { state: true },
    limit: { state: true },
    selected: { state: true },
    details: { state: true },
    panel: { state: true },
    mapState: { state: true },
  };

  protected readonly pack = projectMapStrings;
  /** The site whose projects to show; default: the one whose allowed origins include this page. */
  site?: string;
  /** Pre-filters, comma-separated: category ids, statuses (`planned,in_progress,completed`). */
  category?: string;
  status?: string;
  /** Pre-filter by date (YYYY-MM-DD): projects whose dates overlap from–to. */
  from?: string;
  to?: string;
  /** Initial view `w,s,e,n`; or `center` (`lng,lat`) with `zoom`. Default: the site's. */
  bbox?: string;
  center?: string;
  zoom?: number;
  /** A project id to open. */
  project?: string;
  /** The widget's height (reserved, so the page does not move): `32rem` by default. */
  height?: string;
  /** Mirror filters, view and open project in the URL hash, so a link shares what one sees. */
  hash = false;
  /** A MapLibre style URL that overrides the server's (self-hosted, OpenFreeMap, MapTiler…). */
  mapStyle?: string;

  private settings?: MapSettings;
  private filters: Filters = { categories: [], statuses: [], from: '', to: '', q: '' };
  private dateMode: DateMode = 'any';
  private shown: number[] = [];
  private limit = PAGE;
  private selected?: number;
  private details?: ProjectDetails | { failed: unknown; i: number };
  private panel?: 'details' | 'submit';
  private mapState: MapState = 'idle';
  #index?: ProjectIndex;
  #map?: MapView;
  #observer?: IntersectionObserver;
  /** maplibre and the map view, fetched as soon as the widget nears the viewport (beside the data). */
  #mapModule?: Promise<typeof import('./map-view.ts')>;
  #near?: IntersectionObserver;
  #isNear = false;
  #categories: Record<string, Category> = {};
  #view?: { center: LngLat; zoom: number };
  #heightSheet = new CSSStyleSheet();
  /** The details panel and the report form are fetched when first opened: the first paint needs neither. */
  #renderDetails?: typeof import('./project-details.ts').renderDetails;
  /** URL-hash mirroring is opt-in: its code comes only with the `hash` attribute. */
  #hashState?: typeof import('./hash-state.ts');
  #mapTimer?: ReturnType<typeof setTimeout>;
  /** Where the form's marker starts (set once: the form owns it from then on). */
  #formStart?: LngLat;

  /** For tests and hosts: the maplibre map once it is loaded. */
  get map() {
    return this.#map?.map;
  }

  protected contentKey() {
    return `${this.site} ${this.mapStyle}`;
  }

  #siteQuery() {
    return this.site ? `site=${encodeURIComponent(this.site)}` : '';
  }

  protected async fetchContent() {
    this.#teardownMap();
    const q = this.#siteQuery();
    const hashState = this.hash ? import('./hash-state.ts') : undefined; // fetched beside the data, not after it
    const [settings, projects] = await Promise.all([
      this.client.get<MapSettings>(`v1/projects/map${q && '?' + q}`),
      this.client.get<ProjectCollection>(`v1/projects${q && '?' + q}`),
    ]);
    this.#categories = Object.fromEntries(settings.categories.map((c) => [c.id, c]));
    this.#index = indexProjects(projects.features);
    this.settings = settings;
    if (hashState) this.#hashState ??= await hashState;
    const from = this.hash ? this.#hashState!.readHash() : {};
    this.#initFilters(from);
    this.#refilter();
    const id = from.project ?? this.project;
    const i = id ? projects.features.findIndex((f) => f.id === id) : -1;
    if (i >= 0) this.#select(i, true, false);
  }

  #initFilters(h: HashState) {
    const statuses = (h.statuses ?? list(this.status)).filter((s): s is Status => STATUSES.includes(s as Status));
    const from = h.from ?? this.from ?? '';
    const to = h.to ?? this.to ?? '';
    this.filters = { categories: h.categories ?? list(this.category), statuses, from, to, q: h.q ?? '' };
    this.dateMode = !from && !to ? 'any' : from === to ? 'day' : 'between';
    if (h.center && h.zoom !== undefined) this.#view = { center: h.center, zoom: h.zoom };
  }

  connectedCallback() {
    super.connectedCallback();
    this.#map?.resize();
    // Near the viewport: start downloading maplibre now, while the projects load, not after them.
    this.#near ??= new IntersectionObserver(
      (entries) => entries.some((e) => e.isIntersecting) && (this.#near!.disconnect(), (this.#isNear = true), hasWebgl2() && this.#mapView().catch(() => {})),
      { rootMargin: '200px' },
    );
    this.#near.observe(this);
  }

  #mapView() {
    return (this.#mapModule ??= import('./map-view.ts').catch((e) => {
      this.#mapModule = undefined; // a retry fetches again
      throw e;
    }));
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.#near?.disconnect();
    this.#observer?.disconnect();
    this.#observer = undefined;
    // Removed for good (not just moved): free the map's WebGL context, which browsers ration.
    setTimeout(() => {
      if (this.isConnected) return;
      this.#map?.destroy();
      this.#map = undefined;
      if (this.mapState === 'ready') this.mapState = 'idle';
    });
  }

  protected willUpdate(changed: PropertyValues) {
    super.willUpdate(changed);
    if (changed.has('height')) {
      const h = this.height && HEIGHT.test(this.height) ? this.height : '32rem';
      // A constructed sheet, not a style attribute: allowed by a strict CSP.
      this.#heightSheet.replaceSync(`:host{--_h:${h}}`);
    }
  }

  protected firstUpdated() {
    const root = this.renderRoot as ShadowRoot;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, this.#heightSheet];
  }

  protected updated(changed: PropertyValues) {
    super.updated(changed);
    const area = this.renderRoot.querySelector('.canvas');
    // maplibre is fetched only when the map comes near the viewport (or the resident asks for it).
    // Already near the viewport: the map starts with the content, without waiting a frame for an observer.
    if (area && this.#isNear && this.isConnected && this.mapState === 'idle') queueMicrotask(() => this.isConnected && this.#startMap());
    else if (area && !this.#observer && this.mapState === 'idle') {
      this.#observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && this.#startMap(), { rootMargin: '200px' });
      this.#observer.observe(area);
    }
  }

  async #startMap() {
    this.#observer?.disconnect();
    if (this.mapState !== 'idle' || !this.settings) return;
    if (!hasWebgl2()) return void (this.mapState = 'nowebgl');
    this.mapState = 'loading';
    const settings = this.settings;
    const style = this.mapStyle || settings.style;
    // The style comes while maplibre downloads, not after it.
    const styleResponse = fetch(style, { credentials: 'omit' });
    styleResponse.catch(() => {}); // a failure is reported where it is awaited
    try {
      const { MapView } = await this.#mapView();
      const container = this.renderRoot.querySelector<HTMLElement>('.canvas');
      if (!container?.isConnected || this.settings !== settings) return void (this.mapState = 'idle');
      const s = this.s;
      const fit = numbers(this.bbox, 4) as Bounds | undefined;
      const center = (numbers(this.center, 2) as LngLat | undefined) ?? settings.center;
      const view = await MapView.create({
        container,
        root: this.renderRoot as ShadowRoot,
        style,
        styleResponse,
        center: this.#view?.center ?? center,
        zoom: this.#view?.zoom ?? this.zoom ?? settings.zoom,
        fit: this.#view ? undefined : fit,
        categories: settings.categories,
        data: { index: this.#index!, shown: this.shown },
        locale: this.locale,
        picker: s.picker,
        onSelect: (i) => this.#select(i, false, true),
        onPick: (at) => this.#form()?.place(at),
        onMove: (c, zoom) => {
          this.#view = { center: c, zoom };
          this.#mirror();
        },
      });
      // The content may have been reloaded (or the element removed) while maplibre arrived.
      if (this.settings !== settings || !container.isConnected) return view.destroy();
      this.#map = view;
      view.show(this.#index!, this.shown);
      this.#pad(!!this.panel);
      view.select(this.#index!, this.selected, true);
      if (this.panel === 'submit') view.setPicker(this.#form()?.at);
      this.mapState = 'ready';
    } catch (e) {
      console.warn('civic-widgets: the map could not load', e);
      this.mapState = 'failed';
    }
  }

  #teardownMap() {
    this.#map?.destroy();
    this.#map = undefined;
    this.#observer?.disconnect();
    this.#observer = undefined;
    this.mapState = 'idle';
    this.panel = this.details = this.selected = undefined;
  }

  /**
   * Filters on every keystroke (fast for 100,000) and draws the list at once; the map follows in a
   * task of its own (handing 100,000 features to maplibre's worker takes a while), once typing pauses.
   */
  #refilter(typing = false) {
    this.shown = filterProjects(this.#index!, this.filters);
    this.limit = PAGE;
    clearTimeout(this.#mapTimer);
    this.#mapTimer = setTimeout(() => this.#map?.show(this.#index!, this.shown), typing ? 150 : 0);
    this.#mirror();
  }

  #setFilters(f: Partial<Filters>) {
    this.filters = { ...this.filters, ...f };
    this.#refilter(f.q !== undefined);
  }

  #toggle(key: 'categories' | 'statuses', value: string, on: boolean) {
    const have = this.filters[key] as string[];
    this.#setFilters({ [key]: on ? [...have, value] : have.filter((v) => v !== value) });
  }

  #mirror() {
    if (!this.hash || !this.#hashState || !this.isConnected) return;
    const p = this.selected !== undefined && this.panel === 'details' ? this.#index!.features[this.selected].id : undefined;
    this.#hashState.mirror({ ...this.filters, ...this.#view, project: p });
  }

  /** Selects a project: the map highlights it (and flies there from the list), the list marks it, the panel shows it. */
  #select(i: number, fly: boolean, fromMap: boolean) {
    const feature = this.#index!.features[i];
    this.selected = i;
    this.panel = 'details';
    this.#map?.setPicker(undefined);
    this.#pad(true);
    this.#map?.select(this.#index!, i, fly);
    const at = this.shown.indexOf(i);
    if (at >= this.limit) this.limit = at + 1;
    this.#loadDetails(i);
    this.#mirror();
    this.dispatchEvent(new CivicProjectSelectEvent(feature.id));
    if (fromMap)
      this.updateComplete.then(() => this.renderRoot.querySelector(`button.item[data-i="${i}"]`)?.scrollIntoView({ block: 'nearest' }));
  }

  async #loadDetails(i: number) {
    const id = this.#index!.features[i].id;
    this.details = undefined;
    try {
      const [d, m] = await Promise.all([this.client.get<ProjectDetails>(`v1/projects/${encodeURIComponent(id)}`), import('./project-details.ts')]);
      this.#renderDetails = m.renderDetails;
      this.#adopt(m.detailsStyles);
      if (this.selected === i) this.details = d;
      if (this.settings?.comments) import('../comments/define.ts').catch(() => {});
    } catch (e) {
      if (this.selected === i) this.details = { failed: e, i };
    }
  }

  #closePanel() {
    const i = this.selected;
    this.panel = this.details = this.selected = undefined;
    this.#map?.select(this.#index!, undefined, false);
    this.#map?.setPicker(undefined);
    this.#pad(false);
    this.#mirror();
    // Focus goes back where the resident came from: the project in the list, or the report button.
    this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>(i === undefined ? 'button.report' : `button.item[data-i="${i}"]`)?.focus(),
    );
  }

  async #openForm() {
    try {
      const m = await import('./submit-form.ts');
      define('civic-project-form', m.ProjectForm);
      this.#adopt(m.formStyles);
    } catch (e) {
      return this.fail(e);
    }
    this.selected = this.details = undefined;
    this.#map?.select(this.#index!, undefined, false);
    this.panel = 'submit';
    this.#pad(true);
    const at = (this.#formStart = this.#view?.center ?? this.settings!.center);
    this.#map?.setPicker(at);
    this.updateComplete.then(() => this.#form()?.focus());
  }

  /** Keeps the map's center in the part the panel (24rem, over the map's end side) leaves visible. */
  #pad(open: boolean) {
    const w = this.renderRoot.querySelector('.map')?.clientWidth ?? 0;
    const panel = 24 * parseFloat(getComputedStyle(document.documentElement).fontSize);
    this.#map?.pad(open && panel < w * 0.8 ? panel : 0, isRtl(this.locale));
  }

  /** Styles of a part that loads later join the shadow root with it. */
  #adopt(r: CSSResult) {
    const root = this.renderRoot as ShadowRoot;
    if (r.styleSheet && !root.adoptedStyleSheets.includes(r.styleSheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, r.styleSheet];
  }

  #form() {
    return this.renderRoot.querySelector<ProjectForm>('civic-project-form') ?? undefined;
  }

  async #send(sub: Submission) {
    const { submitProject, CivicProjectSubmitEvent } = await import('./submit-form.ts');
    const res = await submitProject(this.client, this.#siteQuery(), sub, await this.identity());
    this.#map?.setPicker(undefined);
    this.dispatchEvent(new CivicProjectSubmitEvent(res));
  }

  #renderFilters() {
    const s = this.s;
    const f = this.filters;
    const date = (name: 'from' | 'to', label: string) =>
      html`<label
        >${label}
        <input type="date" .value=${f[name]}
          @change=${(e: Event) => {
            const v = (e.target as HTMLInputElement).value;
            this.#setFilters(this.dateMode === 'day' ? { from: v, to: v } : { [name]: v });
          }}
      /></label>`;
    const active = f.categories.length + f.statuses.length + +!!(f.from || f.to);
    return html`<details class="filters"
      ><summary>${s.filters}${active ? ` (${active})` : ''}</summary
      ><div class="filter-grid"
        ><fieldset
          ><legend>${s.category}</legend
          >${this.settings!.categories.map(
            (c) =>
              html`<label class="opt"
                ><input type="checkbox" .checked=${f.categories.includes(c.id)}
                  @change=${(e: Event) => this.#toggle('categories', c.id, (e.target as HTMLInputElement).checked)}
                />${categoryIcon(c)} ${c.label}</label
              >`,
          )}</fieldset
        ><fieldset
          ><legend>${s.status}</legend
          >${STATUSES.map(
            (st) =>
              html`<label class="opt"
                ><input type="checkbox" .checked=${f.statuses.includes(st)}
                  @change=${(e: Event) => this.#toggle('statuses', st, (e.target as HTMLInputElement).checked)}
                />${statusSwatch(st)} ${s.statuses[st]}</label
              >`,
          )}</fieldset
        ><fieldset
          ><legend>${s.when}</legend
          ><select aria-label=${s.when}
            @change=${(e: Event) => {
              this.dateMode = (e.target as HTMLSelectElement).value as DateMode;
              if (this.dateMode === 'any') this.#setFilters({ from: '', to: '' });
              else if (this.dateMode === 'day') this.#setFilters({ to: f.from });
            }}
            >${(['any', 'day', 'between'] as const).map(
              (m) => html`<option value=${m} ?selected=${m === this.dateMode}>${s[m === 'any' ? 'anyTime' : m === 'day' ? 'onDay' : 'between']}</option>`,
            )}</select
          >${this.dateMode === 'day' ? date('from', s.onDay) : this.dateMode === 'between' ? [date('from', s.from), date('to', s.to)] : nothing}</fieldset
        ></div
      ><button type="button" class="reset" @click=${() => ((this.dateMode = 'any'), this.#setFilters({ categories: [], statuses: [], from: '', to: '', q: '' }))}
        >${s.reset}</button
      ></details
    >`;
  }

  #renderPanel() {
    const s = this.s;
    if (this.panel === 'submit')
      return html`<div class="panel"
        ><civic-project-form
          .t=${this.t}
          .s=${s}
          .locale=${this.locale}
          .categories=${this.settings!.categories}
          .at=${this.#formStart}
          .hasMap=${this.mapState === 'ready'}
          .send=${(sub: Submission) => this.#send(sub)}
          .move=${(at: LngLat) => this.#map?.setPicker(at)}
          .close=${() => this.#closePanel()}
        ></civic-project-form
      ></div>`;
    if (this.panel !== 'details' || this.selected === undefined) return nothing;
    const d = this.details;
    if (!d || !this.#renderDetails) return html`<div class="panel" aria-busy="true"><p class="muted" role="status">${this.t.loading}</p></div>`;
    if ('failed' in d) return html`<div class="panel">${this.renderError(d.failed, () => this.#loadDetails(d.i))}</div>`;
    const p = d.properties;
    const cat = this.#categories[p.category];
    const comments = this.settings!.comments ? { api: this.client.base, site: this.settings!.site } : undefined;
    return html`<div class="panel"
      >${this.#renderDetails({
        project: d,
        tags: [html`${categoryIcon(cat)} ${cat?.label ?? p.category}`, html`${statusSwatch(p.status)} ${s.statuses[p.status]}`],
        when: dates(p, s, this.locale),
        s,
        comments,
        close: () => this.#closePanel(),
      })}</div
    >`;
  }

  #renderMapArea() {
    const s = this.s;
    const st = this.mapState;
    const note = st === 'nowebgl' ? s.noWebgl : st === 'failed' ? s.mapFailed : '';
    // The canvas container holds nothing of Lit's: maplibre owns its children.
    return html`<div class="map ${note ? 'nomap' : ''}" part="map"
      ><div class="canvas"></div
      >${note
        ? html`<p class="note" role="note">${note}</p>`
        : st === 'ready'
          ? nothing
          : html`<div class="cover"
              ><button type="button" ?disabled=${st === 'loading'} @click=${() => this.#startMap()}>${st === 'loading' ? s.loadingMap : s.showMap}</button></div
            >`}${this.#renderPanel()}</div
    >`;
  }

  protected renderContent() {
    const s = this.s;
    const settings = this.settings!;
    return html`<div class="top"
        ><h2 class="title">${s.title}</h2
        ><input type="search" class="search" aria-label=${s.search} placeholder=${s.search} .value=${this.filters.q}
          @input=${(e: Event) => this.#setFilters({ q: (e.target as HTMLInputElement).value })}
        />${settings.submissions.enabled
          ? html`<button type="button" class="report" aria-expanded=${this.panel === 'submit'} @click=${() => this.#openForm()}>${s.report}</button>`
          : nothing}</div
      >${this.#renderFilters()}<p class="count muted" role="status">${plural(s.shown, this.shown.length, this.locale)}</p
      ><div class="body ${this.mapState === 'nowebgl' || this.mapState === 'failed' ? 'list-only' : ''}"
        >${this.#renderMapArea()}<div class="side"
          >${renderList({
            index: this.#index!,
            shown: this.shown,
            limit: this.limit,
            selected: this.selected,
            categories: this.#categories,
            s,
            locale: this.locale,
            select: (i) => this.#select(i, true, false),
            more: () => (this.limit += PAGE),
          })}</div
        ></div
      >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-project-map': CivicProjectMap;
    'civic-project-form': ProjectForm;
  }
  interface GlobalEventHandlersEventMap {
    'civic-project-select': CivicProjectSelectEvent;
    'civic-project-submit': CivicProjectSubmitEvent;
  }
}
