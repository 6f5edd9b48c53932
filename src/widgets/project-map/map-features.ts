// What the map's two GeoJSON sources hold, kept apart from maplibre so it can be tested alone.
import type { ProjectIndex } from './project-filters.ts';

/**
 * Past this many lines and areas, the map draws them from SHAPES_FROM only, and farther out shows
 * each as a dot among the clustered points: tens of thousands of outlines over a whole city are
 * both unreadable and, in software WebGL, seconds of drawing per frame. Fewer keep their shapes at
 * every zoom, so a small city's detours always look like detours.
 */
export const DETAIL_LIMIT = 1000;
export const SHAPES_FROM = 14;

export type Feature = { type: 'Feature'; id: number; geometry: unknown; properties: { c: string; s: string; g?: 1 } };
export interface Change {
  add: Feature[];
  remove: number[];
}
export interface Update {
  /** Another index (or the first): each source gets `add` as its whole data. */
  full: boolean;
  points: Change;
  shapes: Change;
}

type Coordinates = number[] | Coordinates[];

/** Where a line or area's dot goes: the middle vertex of its first line or ring (on the shape, unlike a centroid). */
function standOf(c: Coordinates): number[] {
  while (Array.isArray(c[0]) && Array.isArray((c[0] as Coordinates)[0])) c = c[0] as Coordinates;
  return typeof c[0] === 'number' ? (c as number[]) : (c[Math.floor((c.length - 1) / 2)] as number[]);
}

export class MapFeatures {
  #features: Feature[] = [];
  /** A dot per line or area, when they are many (undefined for points). */
  #stands: (Feature | undefined)[] = [];
  #isPoint = new Uint8Array(0);
  /** Which features the map has now (1 = shown), to send maplibre only what changed. */
  #on?: Uint8Array;
  /** Many lines and areas: they are drawn from SHAPES_FROM, and as dots farther out. */
  many = false;

  update(index: ProjectIndex, shown: number[]): Update {
    const n = index.features.length;
    if (this.#features.length !== n || this.#features[0]?.geometry !== index.features[0]?.geometry) this.#build(index);
    const next = new Uint8Array(n);
    for (const i of shown) next[i] = 1;
    const was = this.#on;
    this.#on = next;
    const points: Change = { add: [], remove: [] };
    const shapes: Change = { add: [], remove: [] };
    const { many } = this;
    for (let i = 0; i < n; i++) {
      if (was && was[i] === next[i]) continue;
      const point = this.#isPoint[i];
      if (next[i]) {
        if (point) points.add.push(this.#features[i]);
        else {
          shapes.add.push(this.#features[i]);
          if (many) points.add.push(this.#stands[i]!);
        }
      } else if (was) {
        if (point || many) points.remove.push(i);
        if (!point) shapes.remove.push(i);
      }
    }
    return { full: !was, points, shapes };
  }

  /** Every line and area shown now (for a shapes source filled late). */
  shownShapes(): Feature[] {
    const on = this.#on;
    return on ? this.#features.filter((_, i) => on[i] && !this.#isPoint[i]) : [];
  }

  #build(index: ProjectIndex) {
    const fs = index.features;
    this.#features = fs.map((f, i) => ({ type: 'Feature', id: i, geometry: f.geometry, properties: { c: f.properties.category, s: f.properties.status } }));
    this.#isPoint = Uint8Array.from(fs, (f) => +(f.geometry.type === 'Point'));
    this.many = fs.length - this.#isPoint.reduce((a, b) => a + b, 0) > DETAIL_LIMIT;
    this.#stands = this.many
      ? this.#features.map((f, i) =>
          this.#isPoint[i] ? undefined : { ...f, geometry: { type: 'Point', coordinates: standOf(fs[i].geometry.coordinates as Coordinates) }, properties: { ...f.properties, g: 1 } },
        )
      : [];
    this.#on = undefined;
  }
}
