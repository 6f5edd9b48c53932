/**
 * Hash routes (`#/polls/bike-lanes/results`): the server serves one page at /admin and never sees
 * the route. `#setup=<token>` is the first-run link the server prints.
 */
export interface Route {
  /** '' at the bare console address: the shell shows the role's first section. */
  section: string;
  /** The path after the section: ['new'], ['ID'], ['ID', 'edit'], ['ID', 'results']. */
  rest: string[];
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#/, '');
  const [path, query = ''] = h.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { section: parts[0] ?? '', rest: parts.slice(1), params: new URLSearchParams(query) };
}

/** The first-run token when the URL is `#setup=<token>`. */
export const setupToken = (hash: string) => /^#setup=([A-Za-z0-9_-]+)$/.exec(hash)?.[1] ?? null;

export const href = (...parts: string[]) => '#/' + parts.map(encodeURIComponent).join('/');

export function navigate(to: string) {
  if (location.hash !== to) location.hash = to;
}
