import { html } from 'lit';
import type { Category, IconName, Status } from './project-map.types.ts';

/** Simple 24×24 outlines, drawn by the widget: no icon URLs (strict CSP, air-gapped networks). */
const ICONS: Record<IconName, string> = {
  cone: 'M9 4h6l4 15H5zM7 12h10M3 19h18',
  detour: 'M6 20V9h11m-3-3 3 3-3 3',
  building: 'M5 21V4h9v17m0-11h5v11M3 21h18M8 8h3m-3 4h3',
  tree: 'M12 21v-5m0 0a6 6 0 1 1 0-12 6 6 0 1 1 0 12',
  pipe: 'M3 9h9a5 5 0 0 1 5 5v7M3 15h6a2 2 0 0 1 2 2v4',
  bus: 'M5 4h14v13H5zm0 7h14M8 21v-4m8 4v-4',
  bike: 'M2 17a3 3 0 1 0 6 0 3 3 0 1 0-6 0m14 0a3 3 0 1 0 6 0 3 3 0 1 0-6 0M5 17l4-8h6l4 8m-7 0L9 9',
  water: 'M12 3s6 7 6 11a6 6 0 0 1-12 0c0-4 6-11 6-11z',
  light: 'M9 18h6m-5 3h4M12 3a6 6 0 0 0-3 11v2h6v-2a6 6 0 0 0-3-11z',
  flag: 'M5 21V4h12l-2 4 2 4H5',
};

/** A category's icon on its colour (the colour is never the only cue: the label always follows). */
export const categoryIcon = (c: Category | undefined) =>
  html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"
    ><circle cx="12" cy="12" r="12" fill=${c?.color ?? '#666'}></circle
    ><path d=${ICONS[c?.icon ?? 'flag'] ?? ICONS.flag} transform="translate(4.8 4.8) scale(.6)" fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"></path
  ></svg>`;

/**
 * A status drawn as the map draws it, beside its text label (never colour alone): planned = a
 * hollow ring and a dashed line, in progress = a filled dot with a thick ring and a thick line,
 * completed = faded.
 */
export function statusSwatch(s: Status) {
  const planned = s === 'planned';
  const busy = s === 'in_progress';
  return html`<svg class="swatch" viewBox="0 0 32 16" aria-hidden="true" focusable="false" stroke="currentColor" opacity=${s === 'completed' ? 0.4 : 1}
    ><circle cx="8" cy="8" r="5" fill=${planned ? 'none' : 'currentColor'} stroke-width=${busy ? 3 : 2} stroke-opacity=${busy ? 0.5 : 1}></circle
    ><path d="M17 8h14" stroke-width=${busy ? 4 : 2} stroke-dasharray=${planned ? '3 2' : 'none'}></path
  ></svg>`;
}
