import type { Filters, LngLat, Status } from './project-map.types.ts';

/** What a shared link restores: the filters, the view and the open project. */
export interface HashState extends Partial<Filters> {
  center?: LngLat;
  zoom?: number;
  project?: string;
}

const list = (v: string | null) => (v ? v.split(',').filter(Boolean) : undefined);

/** Reads `#map=13/52.09/5.12&cat=roadworks&status=planned&from=…&to=…&q=…&project=…`. */
export function readHash(hash = location.hash): HashState {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const state: HashState = {
    categories: list(p.get('cat')),
    statuses: list(p.get('status')) as Status[] | undefined,
    from: p.get('from') ?? undefined,
    to: p.get('to') ?? undefined,
    q: p.get('q') ?? undefined,
    project: p.get('project') ?? undefined,
  };
  const [z, lat, lng] = (p.get('map') ?? '').split('/').map(Number);
  if ([z, lat, lng].every(Number.isFinite) && p.has('map')) Object.assign(state, { zoom: z, center: [lng, lat] });
  return state;
}

/** The hash for a state; empty parts are left out so a plain view keeps a short link. */
export function writeHash(s: HashState): string {
  const p = new URLSearchParams();
  if (s.center && s.zoom !== undefined) p.set('map', `${+s.zoom.toFixed(2)}/${+s.center[1].toFixed(5)}/${+s.center[0].toFixed(5)}`);
  if (s.categories?.length) p.set('cat', s.categories.join(','));
  if (s.statuses?.length) p.set('status', s.statuses.join(','));
  if (s.from) p.set('from', s.from);
  if (s.to) p.set('to', s.to);
  if (s.q) p.set('q', s.q);
  if (s.project) p.set('project', s.project);
  // URLSearchParams writes commas and slashes escaped; a link people read keeps them plain.
  return '#' + p.toString().replace(/%2C/g, ',').replace(/%2F/g, '/');
}

/** Mirrors the state into the address bar without adding history entries or scrolling. */
export function mirror(s: HashState) {
  const hash = writeHash(s);
  if (hash !== location.hash && !(hash === '#' && !location.hash)) history.replaceState(history.state, '', hash);
}
