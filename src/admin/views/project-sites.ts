import type { AdminApi } from '../api.ts';
import type { AdminMapSettings, AdminProject } from '../types.ts';

export const PROJECT_STATUSES: AdminProject['properties']['status'][] = ['planned', 'in_progress', 'completed'];
export const REVIEWS: AdminProject['properties']['review'][] = ['pending', 'approved', 'rejected'];

/** A site's project map settings: its categories, center, zoom and style. */
export const loadMapSettings = (api: AdminApi, site: string) => api.get<AdminMapSettings>(`/v1/admin/sites/${encodeURIComponent(site)}/map`);

/** The site's own style, or this server's default one (same origin as the console: `connect-src 'self'`). */
export const mapStyleUrl = (api: AdminApi, site: string, m: AdminMapSettings) => m.style ?? api.url(`/v1/map/style.json?site=${encodeURIComponent(site)}`);
