// The only module that imports maplibre-gl: the widget imports this one lazily, when the map comes
// near the viewport or the resident opens the map, so the list and filters never wait for it.
import { Map as MapLibre, Marker, NavigationControl, addProtocol, prewarm, type ExpressionSpecification, type GeoJSONSource, type LayerSpecification, type StyleSpecification } from 'maplibre-gl';
import maplibreCss from 'maplibre-gl/dist/maplibre-gl.css?inline';
import type { ProjectIndex } from './project-filters.ts';
import { MapFeatures, SHAPES_FROM, type Change, type Feature } from './map-features.ts';
import type { Bounds, Category, LngLat } from './project-map.types.ts';
import { loadPack, plural } from '../../core/i18n/index.ts';
import { mapStrings, type MapStrings } from './i18n/map.ts';

export interface MapViewOptions {
  container: HTMLElement;
  /** The widget's shadow root, which adopts maplibre's CSS. */
  root: ShadowRoot;
  style: string;
  /** The style's response, requested while maplibre was still downloading. */
  styleResponse: Promise<Response>;
  center: LngLat;
  zoom: number;
  /** Fit this area instead of center + zoom. */
  fit?: Bounds;
  categories: Category[];
  /** The projects shown when the map starts, if already known: they load with the basemap. */
  data?: { index: ProjectIndex; shown: number[] };
  locale: string;
  /** The name of the submission form's marker (the widget's string). */
  picker: string;
  /** A project was clicked on the map (its position in the index). */
  onSelect(index: number): void;
  /** The location picker moved (map click or marker drag). */
  onPick(at: LngLat): void;
  /** The view moved (for URL-hash mirroring). */
  onMove(center: LngLat, zoom: number): void;
}

type GeoJSONSourceData = Parameters<GeoJSONSource['setData']>[0];
const POINTS = 'projects-points';
const SHAPES = 'projects-shapes';
const SHAPE_LAYERS = ['shapes-fill', 'shapes-line', 'shapes-line-planned'];
const CLICKABLE = ['points', ...SHAPE_LAYERS];
/** How near (px) a click or the pointer must come to a project to hit it. */
const HIT = 7;
/**
 * Clusters end where shapes begin: with many lines and areas their dots are clustered far out, and
 * a cluster of dots beside the lines they stand for would count them twice.
 */
const clusterMaxZoom = (many: boolean) => (many ? SHAPES_FROM - 1 : 15);

let sheet: CSSStyleSheet | undefined;
/**
 * maplibre's CSS draws its control icons as `data:` SVG images, which a page's `img-src` (or
 * `default-src 'self'`) refuses under a strict CSP: they are dropped, and ownCss draws the icons
 * of the controls we show (zoom in and out, the attribution button) as text.
 */
const DATA_URLS = /url\("data:[^"]*"\)/g;
/**
 * Ours, for what only exists with the map: a cluster's button sits on the circle maplibre draws
 * (its count, focusable and named), and the canvas's focus ring.
 */
const ownCss = `
  .cluster {
    min-block-size: 2rem;
    min-inline-size: 2rem;
    padding: 0 .25rem;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: #fff;
    font-weight: 700;
  }
  .cluster:focus-visible {
    outline: 3px solid #1b1f24;
    box-shadow: 0 0 0 5px #fff;
  }
  .maplibregl-ctrl button .maplibregl-ctrl-icon::before,
  .maplibregl-ctrl-attrib-button::before {
    display: block;
    color: #333;
    font: 700 1.25rem/29px system-ui, sans-serif;
    text-align: center;
  }
  .maplibregl-ctrl button.maplibregl-ctrl-zoom-in .maplibregl-ctrl-icon::before {
    content: '+';
  }
  .maplibregl-ctrl button.maplibregl-ctrl-zoom-out .maplibregl-ctrl-icon::before {
    content: '\\2212';
  }
  .maplibregl-ctrl-attrib-button::before {
    content: 'i';
    font: italic 700 1rem/24px Georgia, serif;
  }
  @media (forced-colors: active) {
    .maplibregl-ctrl button .maplibregl-ctrl-icon::before,
    .maplibregl-ctrl-attrib-button::before {
      color: ButtonText;
    }
  }
  .maplibregl-canvas:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: -3px;
  }`;
// maplibre's workers start (and compile their code) now, while the widget still waits for its
// data and style, instead of when the map is created.
prewarm();

let pmtiles: Promise<unknown> | undefined;
let maps = 0;

/** Sources with relative URLs are resolved against the style's own URL, as maplibre does for a style it fetched. */
async function loadStyle(url: string, response: Promise<Response>): Promise<StyleSpecification> {
  const res = await response;
  if (!res.ok) throw new Error(`map style: HTTP ${res.status}`);
  const style = (await res.json()) as StyleSpecification;
  const abs = (u: string) => (/^[a-z][a-z0-9+.-]*:/i.test(u) ? u : new URL(u, url).href);
  let usesPmtiles = false;
  for (const src of Object.values(style.sources ?? {}) as Record<string, unknown>[]) {
    if (typeof src.data === 'string') src.data = abs(src.data);
    if (typeof src.url === 'string') src.url = abs(src.url);
    if (Array.isArray(src.tiles)) src.tiles = src.tiles.map(abs);
    usesPmtiles ||= [src.url, ...((src.tiles as string[]) ?? [])].some((u) => typeof u === 'string' && u.startsWith('pmtiles://'));
  }
  // The PMTiles reader is only fetched for a style that needs it.
  if (usesPmtiles)
    await (pmtiles ??= import('pmtiles').then(({ Protocol }) => addProtocol('pmtiles', new Protocol().tile)));
  return style;
}

/** west, south, east, north of any GeoJSON geometry's coordinates. */
function boundsOf(coordinates: unknown): [number, number, number, number] {
  const b: [number, number, number, number] = [180, 90, -180, -90];
  const walk = (c: unknown): void => {
    if (typeof (c as number[])[0] === 'number') {
      const [x, y] = c as number[];
      if (x < b[0]) b[0] = x;
      if (y < b[1]) b[1] = y;
      if (x > b[2]) b[2] = x;
      if (y > b[3]) b[3] = y;
    } else for (const d of c as unknown[]) walk(d);
  };
  walk(coordinates);
  return b;
}

const collection = (features: Feature[] = []) => ({ type: 'FeatureCollection', features }) as unknown as GeoJSONSourceData;

/** `['match', ['get', 'c'], 'roadworks', '#b3261e', …, fallback]`: a category's colour. */
const byCategory = (categories: Category[]): ExpressionSpecification =>
  categories.length
    ? (['match', ['get', 'c'], ...categories.flatMap((c) => [c.id, c.color]), '#5f6368'] as unknown as ExpressionSpecification)
    : ['literal', '#5f6368'];
const selected: ExpressionSpecification = ['boolean', ['feature-state', 'selected'], false];
const byStatus = (planned: number, inProgress: number, completed: number): ExpressionSpecification => [
  'match',
  ['get', 's'],
  'planned',
  planned,
  'in_progress',
  inProgress,
  completed,
];

/**
 * The map: a clustered GeoJSON source for points, another for lines and areas, the legend's
 * status outlines, HTML buttons for clusters (focusable, named with their count) and the draggable
 * marker of the submission form.
 */
export class MapView {
  readonly map: MapLibre;
  #o: MapViewOptions;
  #data = new MapFeatures();
  /** The shapes source has its features (with many lines and areas, only once the map zooms in near them). */
  #shapesSent = false;
  #selected?: number;
  #clusters = new Map<number, Marker>();
  #picker?: Marker;

  static async create(o: MapViewOptions): Promise<MapView> {
    performance.mark('civic-map-start'); // for bench/map.ts: maplibre is in, the map starts
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(maplibreCss.replace(DATA_URLS, 'none') + ownCss);
    }
    if (!o.root.adoptedStyleSheets.includes(sheet)) o.root.adoptedStyleSheets = [...o.root.adoptedStyleSheets, sheet];
    const [style, strings] = await Promise.all([loadStyle(o.style, o.styleResponse), loadPack(mapStrings, o.locale).catch(() => mapStrings.en)]);
    const view = new MapView(o, style, strings);
    await view.#loaded;
    return view;
  }

  #loaded: Promise<void>;

  #s: MapStrings;

  private constructor(o: MapViewOptions, style: StyleSpecification, s: MapStrings) {
    this.#o = o;
    this.#s = s;
    this.map = new MapLibre({
      container: o.container,
      style: this.#withProjects(style, o.data),
      center: o.center,
      zoom: o.zoom,
      ...(o.fit ? { bounds: o.fit } : {}),
      attributionControl: { compact: true },
      locale: { 'Map.Title': s.map, 'NavigationControl.ZoomIn': s.zoomIn, 'NavigationControl.ZoomOut': s.zoomOut, 'NavigationControl.ResetBearing': s.resetNorth, 'Marker.Title': o.picker },
      dragRotate: false,
      // No tile fade-in: the map is idle (and usable) 300 ms sooner.
      fadeDuration: 0,
      pitchWithRotate: false,
    });
    this.map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    // The canvas (role region, named by maplibre) says how the keyboard moves it.
    const hint = Object.assign(document.createElement('p'), { className: 'sr', id: `pm-hint-${++maps}`, textContent: s.mapHint });
    o.container.append(hint);
    this.map.getCanvas().setAttribute('aria-describedby', hint.id);
    // 'load' can come in the same frame as the first 'idle': both are listened for before any await.
    this.#loaded = new Promise((resolve, reject) => {
      this.map.once('load', () => (this.#sendShapes(), resolve()));
      this.map.once('error', (e) => !this.map.loaded() && reject(e.error));
    });
    this.#listen();
    this.map.on('idle', () => this.#updateClusters());
    this.map.on('zoom', () => this.#sendShapes());
    this.map.on('moveend', () => {
      const c = this.map.getCenter();
      o.onMove([c.lng, c.lat], this.map.getZoom());
    });
  }

  /**
   * The projects' sources and layers go into the style itself, with the features shown now, so
   * maplibre lays out the basemap and the projects in one pass (one round of tiles and frames)
   * instead of loading the basemap first and the projects after it.
   */
  #withProjects(style: StyleSpecification, data: MapViewOptions['data']): StyleSpecification {
    const colour = byCategory(this.#o.categories);
    const first = data && this.#data.update(data.index, data.shown);
    const from = this.#data.many ? SHAPES_FROM : 0;
    const layers: LayerSpecification[] = [
      { id: 'shapes-fill', type: 'fill', source: SHAPES, minzoom: from, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': colour, 'fill-opacity': byStatus(0.12, 0.35, 0.08) } },
      // Status is the outline: dashed while planned, thick while in progress, thin and faded when done.
      { id: 'shapes-line', type: 'line', source: SHAPES, minzoom: from, filter: ['!=', ['get', 's'], 'planned'], layout: { 'line-cap': 'round' }, paint: { 'line-color': colour, 'line-width': ['case', selected, 8, byStatus(3, 5, 2)], 'line-opacity': byStatus(1, 1, 0.5) } },
      { id: 'shapes-line-planned', type: 'line', source: SHAPES, minzoom: from, filter: ['==', ['get', 's'], 'planned'], paint: { 'line-color': colour, 'line-width': ['case', selected, 6, 3], 'line-dasharray': [2, 1.5] } },
      { id: 'clusters', type: 'circle', source: POINTS, filter: ['has', 'point_count'], paint: { 'circle-color': '#0b5cad', 'circle-opacity': 0.85, 'circle-radius': ['step', ['get', 'point_count'], 16, 10, 20, 100, 26, 1000, 32], 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
      {
        id: 'points',
        type: 'circle',
        source: POINTS,
        // A line or area's dot (g) gives way to its shape where shapes are drawn.
        filter: ['all', ['!', ['has', 'point_count']], ['any', ['!', ['has', 'g']], ['<', ['zoom'], SHAPES_FROM]]],
        paint: {
          'circle-radius': ['case', selected, 11, 8],
          'circle-color': ['match', ['get', 's'], 'planned', '#fff', colour],
          'circle-opacity': byStatus(1, 1, 0.45),
          'circle-stroke-color': ['case', selected, '#1b1f24', ['match', ['get', 's'], 'in_progress', '#1b1f24', colour]],
          'circle-stroke-width': ['case', selected, 4, byStatus(3, 3, 1)],
        },
      },
    ];
    this.#shapesSent = !from && !!first;
    return {
      ...style,
      sources: {
        ...style.sources,
        [POINTS]: { type: 'geojson', data: collection(first?.points.add), cluster: true, clusterRadius: 48, clusterMaxZoom: clusterMaxZoom(this.#data.many) },
        // Many lines and areas wait until the map zooms in near them (#sendShapes).
        [SHAPES]: { type: 'geojson', data: collection(from ? [] : first?.shapes.add) },
      },
      layers: [...style.layers, ...layers],
    };
  }

  #listen() {
    const map = this.map;
    // A line is hard to hit: a click or hover counts within a few pixels of a project.
    const near = (p: { x: number; y: number }) =>
      map.queryRenderedFeatures([[p.x - HIT, p.y - HIT], [p.x + HIT, p.y + HIT]], { layers: CLICKABLE }).find((f) => typeof f.id === 'number');
    map.on('mousemove', (e) => (map.getCanvas().style.cursor = near(e.point) ? 'pointer' : ''));
    map.on('click', (e) => {
      if (this.#picker) {
        this.#picker.setLngLat(e.lngLat);
        return this.#o.onPick([e.lngLat.lng, e.lngLat.lat]);
      }
      const cluster = map.queryRenderedFeatures(e.point, { layers: ['clusters'] })[0];
      if (cluster) return this.#zoomInto(cluster.properties.cluster_id as number, (cluster.geometry as unknown as { coordinates: LngLat }).coordinates);
      const hit = near(e.point);
      if (hit) this.#o.onSelect(hit.id as number);
    });
  }

  /**
   * Shows the projects at these positions of the index. The first call hands every shown feature
   * to maplibre's worker; later calls send only the difference (ids to remove, features to add),
   * so narrowing a search sends a list of numbers rather than 100,000 geometries again.
   */
  show(index: ProjectIndex, shown: number[]) {
    performance.mark('civic-map-show');
    const many = this.#data.many;
    const { full, points, shapes } = this.#data.update(index, shown);
    performance.mark('civic-map-diffed');
    if (this.#data.many !== many) {
      for (const id of SHAPE_LAYERS) this.map.setLayerZoomRange(id, this.#data.many ? SHAPES_FROM : 0, 24);
      (this.map.getSource(POINTS) as GeoJSONSource).setClusterOptions({ cluster: true, clusterMaxZoom: clusterMaxZoom(this.#data.many) }).catch(() => {});
    }
    if (full) this.#shapesSent = false;
    this.#send(POINTS, full, points);
    if (this.#shapesSent) this.#send(SHAPES, full, shapes);
    else this.#sendShapes();
    // For bench/map.ts: our diff, then maplibre taking the data (it serialises it for its worker).
    performance.measure('civic-map-diff', 'civic-map-show', 'civic-map-diffed');
    performance.measure('civic-map-hand-over', 'civic-map-diffed');
  }

  #send(id: string, full: boolean, change: Change) {
    const source = this.map.getSource(id) as GeoJSONSource;
    if (full) source.setData(collection(change.add));
    else if (change.add.length || change.remove.length) source.updateData(change as unknown as Parameters<GeoJSONSource['updateData']>[0]);
  }

  /** Gives the shapes source its features once they can be seen (at once, unless there are many). */
  #sendShapes() {
    if (this.#shapesSent || (this.#data.many && this.map.getZoom() < SHAPES_FROM - 0.5)) return;
    this.#shapesSent = true;
    (this.map.getSource(SHAPES) as GeoJSONSource).setData(collection(this.#data.shownShapes()));
  }

  /** Highlights a project and, with `fly`, brings it into view. */
  select(index: ProjectIndex, i: number | undefined, fly: boolean) {
    // Both sources: a line or area may also be a dot among the points.
    const mark = (id: number, selected: boolean) => [POINTS, SHAPES].forEach((source) => this.map.setFeatureState({ source, id }, { selected }));
    if (this.#selected !== undefined) mark(this.#selected, false);
    this.#selected = i;
    if (i === undefined) return;
    mark(i, true);
    const g = index.features[i].geometry;
    if (!fly) return;
    if (g.type === 'Point') this.map.flyTo({ center: g.coordinates as LngLat, zoom: Math.max(this.map.getZoom(), 16) });
    else this.map.fitBounds(boundsOf(g.coordinates), { padding: 40, maxZoom: 17 });
  }

  async #zoomInto(clusterId: number, center: LngLat) {
    const zoom = await (this.map.getSource(POINTS) as GeoJSONSource).getClusterExpansionZoom(clusterId);
    this.map.easeTo({ center, zoom });
  }

  /**
   * Clusters are drawn by maplibre and covered by a button each: focusable, named "12 projects
   * here: zoom in", so a screen reader announces the count. No glyphs needed (offline style).
   */
  #updateClusters() {
    const seen = new Set<number>();
    const view = this.map.getBounds();
    for (const f of this.map.querySourceFeatures(POINTS, { filter: ['has', 'point_count'] })) {
      const id = f.properties.cluster_id as number;
      const at = (f.geometry as unknown as { coordinates: LngLat }).coordinates;
      if (seen.has(id) || !view.contains(at)) continue;
      seen.add(id);
      const n = f.properties.point_count as number;
      let m = this.#clusters.get(id);
      if (!m) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'cluster';
        b.textContent = String(f.properties.point_count_abbreviated ?? n);
        b.setAttribute('aria-label', plural(this.#s.cluster, n, this.#o.locale));
        b.addEventListener('click', (e) => (e.stopPropagation(), this.#zoomInto(id, m!.getLngLat().toArray() as LngLat)));
        m = new Marker({ element: b }).setLngLat(at).addTo(this.map);
        this.#clusters.set(id, m);
      }
    }
    for (const [id, m] of this.#clusters) if (!seen.has(id)) m.remove(), this.#clusters.delete(id);
  }

  /**
   * Room taken by the panel over the map (start or end side, px): the camera centers on what is
   * still visible, so a selected project or the form's marker never hides behind the panel.
   */
  pad(px: number, rtl: boolean) {
    const left = rtl ? px : 0;
    const right = rtl ? 0 : px;
    const now = this.map.getPadding();
    // An unchanged padding would still cost a whole frame (a second one right after the map loads).
    if (now.left !== left || now.right !== right || now.top || now.bottom) this.map.setPadding({ top: 0, bottom: 0, left, right });
  }

  /** The submission form's draggable marker; undefined removes it. */
  setPicker(at: LngLat | undefined) {
    if (!at) {
      this.#picker?.remove();
      this.#picker = undefined;
      return;
    }
    if (!this.#picker) {
      this.#picker = new Marker({ draggable: true, color: '#b3261e' }).setLngLat(at).addTo(this.map);
      this.#picker.on('dragend', () => this.#o.onPick(this.#picker!.getLngLat().toArray() as LngLat));
      // The form's own picker button is the keyboard way; the marker element stays out of the tab order.
      this.#picker.getElement().tabIndex = -1;
    } else this.#picker.setLngLat(at);
    if (!this.map.getBounds().contains(at)) this.map.panTo(at);
  }

  resize() {
    this.map.resize();
  }

  destroy() {
    this.map.remove();
  }
}
