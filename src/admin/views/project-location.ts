import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { fill } from '../../core/i18n/index.ts';
import { fmtDegrees, nudge } from '../../widgets/project-map/picker-keys.ts';
import { indexProjects } from '../../widgets/project-map/project-filters.ts';
import type { Bounds, Category, LngLat, ProjectFeature } from '../../widgets/project-map/project-map.types.ts';
import { hasWebgl2 } from '../../widgets/project-map/webgl.ts';
import type { MapView } from '../../widgets/project-map/map-view.ts';
import { en, type AdminStrings } from '../i18n/index.ts';
import { consoleStyles } from '../styles.ts';
import type { AdminMapSettings, ProjectGeometry } from '../types.ts';

/** Fired when staff set the point (map click, marker drag, picker keys, typed coordinates). */
export class LocationChangeEvent extends Event {
  constructor(readonly at: LngLat | undefined) {
    super('location-change', { bubbles: true, composed: true });
  }
}

type MapState = 'idle' | 'loading' | 'ready' | 'nowebgl' | 'failed';

/** west, south, east, north of a geometry. */
function boundsOf(g: ProjectGeometry): Bounds {
  const b: Bounds = [180, 90, -180, -90];
  const walk = (c: unknown): void => {
    if (typeof (c as number[])[0] === 'number') {
      const [x, y] = c as number[];
      b[0] = Math.min(b[0], x);
      b[1] = Math.min(b[1], y);
      b[2] = Math.max(b[2], x);
      b[3] = Math.max(b[3], y);
    } else for (const d of c as unknown[]) walk(d);
  };
  walk(g.coordinates);
  return b;
}

export const centerOf = (g: ProjectGeometry): LngLat => {
  const [w, s, e, n] = boundsOf(g);
  return [(w + e) / 2, (s + n) / 2];
};

const inRange = (v: number, max: number) => Number.isFinite(v) && Math.abs(v) <= max;

/**
 * Where a project is: the project map widget's own map (map-view.ts, maplibre loaded lazily) with
 * its draggable marker and keyboard picker, and latitude/longitude fields that stay in sync with it
 * and work alone when there is no WebGL. A project's line or area is drawn and kept as it is.
 */
@customElement('civic-admin-project-location')
export class ProjectLocation extends LitElement {
  static styles = [
    consoleStyles,
    css`
      .map {
        position: relative;
        block-size: 22rem;
        border: 1px solid var(--_line);
        border-radius: var(--_radius);
        overflow: hidden;
        margin-block-end: 0.75rem;
      }
      /* maplibre makes its container position: relative; the height comes from .map. */
      .canvas {
        block-size: 100%;
      }
      .cover {
        position: absolute;
        inset: 0;
        display: grid;
        place-items: center;
      }
      .picker[aria-pressed='true'] {
        background: var(--_accent);
        color: var(--_on-accent);
      }
      .picker {
        margin-block-end: 0.75rem;
      }
      input[type='number'] {
        inline-size: 12rem;
      }
    `,
  ];

  @property({ attribute: false }) t: AdminStrings = en;
  @property({ attribute: false }) settings?: AdminMapSettings;
  /** The style URL to draw (the site's, or this server's default style). */
  @property({ attribute: false }) styleUrl = '';
  /** The point, when the project is (or becomes) a point. */
  @property({ attribute: false }) at?: LngLat;
  /** A line or area of the project: drawn for reference, never edited here. */
  @property({ attribute: false }) shape?: ProjectGeometry;
  /** The project is a point (new, a point already, or its shape is being replaced by one). */
  @property({ attribute: false }) pointMode = true;
  @property({ attribute: false }) category = '';
  @property({ attribute: false }) locale = 'en';
  @state() private mapState: MapState = 'idle';
  /** The coordinate fields' texts, kept as typed (the map writes them when it moves the point). */
  @state() private latText = '';
  @state() private lngText = '';
  #map?: MapView;
  /** Where the marker is before staff have set a point: the site's map center. */
  #marker?: LngLat;

  /** For tests: the maplibre map once it is drawn. */
  get map() {
    return this.#map?.map;
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.#map?.destroy();
    this.#map = undefined;
    this.mapState = 'idle';
  }

  protected willUpdate(changed: PropertyValues) {
    // Decided before rendering, so the map's container (or the note) is in this very update.
    if (changed.has('settings') || changed.has('styleUrl') || changed.has('shape'))
      this.mapState = !this.settings || !this.styleUrl ? 'idle' : hasWebgl2() ? 'loading' : 'nowebgl';
    if (changed.has('at') && this.at) {
      this.#marker = this.at;
      if (!this.#typedMatches(this.at)) this.#write(this.at);
    }
  }

  protected updated(changed: PropertyValues) {
    if (changed.has('settings') || changed.has('styleUrl') || changed.has('shape')) void this.#startMap();
    else if (changed.has('at') || changed.has('pointMode')) this.#map?.setPicker(this.pointMode ? this.#marker : undefined);
  }

  #typedMatches(at: LngLat) {
    return Number(this.latText) === at[1] && Number(this.lngText) === at[0];
  }

  #write(at: LngLat) {
    this.latText = fmtDegrees(at[1]);
    this.lngText = fmtDegrees(at[0]);
  }

  /** A point set on the map or by the picker's keys: the fields follow. */
  #set(at: LngLat) {
    this.#marker = at;
    this.#write(at);
    this.dispatchEvent(new LocationChangeEvent(at));
  }

  async #startMap() {
    const settings = this.settings;
    this.#map?.destroy();
    this.#map = undefined;
    if (!settings || this.mapState !== 'loading' || !this.isConnected) return;
    const style = new URL(this.styleUrl, location.href).href;
    const styleResponse = fetch(style, { credentials: 'omit' });
    styleResponse.catch(() => {}); // reported where it is awaited
    try {
      const { MapView } = await import('../../widgets/project-map/map-view.ts');
      const container = this.renderRoot.querySelector<HTMLElement>('.canvas');
      if (!container?.isConnected || this.settings !== settings) return; // gone, or another site chosen, while maplibre arrived
      const shape = this.shape;
      const center = this.at ?? settings.center;
      const view = await MapView.create({
        container,
        root: this.renderRoot as ShadowRoot,
        style,
        styleResponse,
        center,
        zoom: this.at ? Math.max(settings.zoom, 15) : settings.zoom,
        fit: shape && !this.at ? boundsOf(shape) : undefined,
        categories: settings.categories as Category[],
        locale: this.locale,
        picker: this.t.projectEditor.marker,
        onSelect: () => {},
        onPick: (at) => this.#set(at),
        onMove: () => {},
      });
      if (this.settings !== settings || !container.isConnected) return view.destroy();
      this.#map = view;
      if (shape) {
        // Drawn in its category's colour as "in progress" (a solid, thick line): the clearest of the outlines.
        const f: ProjectFeature = { type: 'Feature', id: 'shape', geometry: shape, properties: { title: '', category: this.category, status: 'in_progress', start: '', end: null, address: null } };
        view.show(indexProjects([f]), [0]);
      }
      this.#marker = this.at ?? (shape ? centerOf(shape) : settings.center);
      if (this.pointMode) view.setPicker(this.#marker);
      this.mapState = 'ready';
    } catch (e) {
      console.warn('civic console: the map could not load', e);
      this.mapState = 'failed';
    }
  }

  /** The picker button: arrow keys move the marker (as in the resident's form), Enter/Space sets it. */
  #key(e: KeyboardEvent) {
    const from = this.#marker ?? this.settings?.center;
    const at = from && nudge(from, e);
    if (!at) return;
    e.preventDefault();
    this.#map?.setPicker(at);
    this.#set(at);
  }

  #typed(which: 'lat' | 'lng', e: Event) {
    const v = (e.target as HTMLInputElement).value;
    if (which === 'lat') this.latText = v;
    else this.lngText = v;
    const lat = Number(this.latText);
    const lng = Number(this.lngText);
    if (this.latText.trim() && this.lngText.trim() && inRange(lat, 90) && inRange(lng, 180)) {
      const at: LngLat = [lng, lat];
      this.#marker = at;
      this.#map?.setPicker(at);
      this.dispatchEvent(new LocationChangeEvent(at));
    } else this.dispatchEvent(new LocationChangeEvent(undefined));
  }

  render() {
    const t = this.t.projectEditor;
    const st = this.mapState;
    const editable = this.pointMode;
    const shown = this.#marker ?? this.settings?.center;
    const note = st === 'nowebgl' ? t.noWebgl : st === 'failed' ? t.mapFailed : '';
    return html`${note
        ? html`<p class="note" role="note">${note}</p>`
        : html`<div class="map">
            <div class="canvas"></div>
            ${st === 'ready' ? '' : html`<div class="cover"><span role="status">${t.loadingMap}</span></div>`}
          </div>`}
      ${st === 'ready' && editable && shown
        ? html`<p id="picker-help" class="note">${t.pickerHelp}</p>
            <button type="button" class="picker" aria-describedby="picker-help" aria-pressed=${!!this.at} @keydown=${this.#key}
              @click=${() => this.#set(shown)}>
              ${fill(t.pickerAt, { lat: fmtDegrees(shown[1]), lng: fmtDegrees(shown[0]) })}
            </button>`
        : ''}
      ${editable
        ? html`<div class="row">
            <div class="field">
              <label for="lat">${t.lat}</label>
              <input id="lat" type="number" step="any" min="-90" max="90" inputmode="decimal" .value=${this.latText} @input=${(e: Event) => this.#typed('lat', e)} />
            </div>
            <div class="field">
              <label for="lng">${t.lng}</label>
              <input id="lng" type="number" step="any" min="-180" max="180" inputmode="decimal" .value=${this.lngText} @input=${(e: Event) => this.#typed('lng', e)} />
            </div>
          </div>`
        : ''}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-project-location': ProjectLocation;
  }
}
