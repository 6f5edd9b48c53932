/** The three stages of a project, as the API names them. */
export type Status = 'planned' | 'in_progress' | 'completed';
export const STATUSES: Status[] = ['planned', 'in_progress', 'completed'];

/** Icons the widget draws itself (no icon URLs: strict CSP and air-gapped networks). */
export type IconName = 'cone' | 'detour' | 'building' | 'tree' | 'pipe' | 'bus' | 'bike' | 'water' | 'light' | 'flag';

export interface Category {
  id: string;
  label: string;
  color: string;
  icon: IconName;
}

/** west, south, east, north (WGS84). */
export type Bounds = [number, number, number, number];
export type LngLat = [number, number];

/** `GET /v1/projects/map`: the site's map settings. */
export interface MapSettings {
  site: string;
  /** Where residents may submit; null = anywhere. */
  bounds: Bounds | null;
  center: LngLat;
  zoom: number;
  categories: Category[];
  submissions: { enabled: boolean; perDay: number };
  /** A comment thread per project (`project:<id>`). */
  comments: boolean;
  style: string;
}

export interface Geometry {
  type: 'Point' | 'LineString' | 'Polygon' | 'MultiLineString' | 'MultiPolygon';
  coordinates: unknown;
}

export interface ProjectProperties {
  title: string;
  category: string;
  status: Status;
  start: string;
  end: string | null;
  address: string | null;
}

/** One project as `GET /v1/projects` lists it (compact). */
export interface ProjectFeature {
  type: 'Feature';
  id: string;
  geometry: Geometry;
  properties: ProjectProperties;
}

export interface ProjectCollection {
  type: 'FeatureCollection';
  features: ProjectFeature[];
}

/** `GET /v1/projects/:id`: everything the details panel shows. */
export interface ProjectDetails extends ProjectFeature {
  properties: ProjectProperties & {
    description: string;
    contact: string | null;
    link: string | null;
    updatedAt: string;
  };
}

/** What a resident sends from the submission form. */
export interface Submission {
  title: string;
  category: string;
  start: string;
  end?: string;
  description: string;
  email?: string;
  geometry: { type: 'Point'; coordinates: LngLat };
  address?: string;
  /** The honeypot: people never see it, bots fill it in. */
  website?: string;
}

/** The client-side filters. Empty lists and strings mean "all". */
export interface Filters {
  categories: string[];
  statuses: Status[];
  /** YYYY-MM-DD; a project is shown when its start–end overlaps from–to. */
  from: string;
  to: string;
  q: string;
}
