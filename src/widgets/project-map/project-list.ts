import { html, nothing } from 'lit';
import { categoryIcon, statusSwatch } from './legend.ts';
import { dates } from './format.ts';
import type { ProjectMapStrings } from './i18n/index.ts';
import type { ProjectIndex } from './project-filters.ts';
import type { Category } from './project-map.types.ts';

export interface ListOptions {
  index: ProjectIndex;
  shown: number[];
  /** How many of `shown` to draw; the rest behind "show more" (100,000 buttons would not be usable anyway). */
  limit: number;
  selected?: number;
  categories: Record<string, Category>;
  s: ProjectMapStrings;
  locale: string;
  select(i: number): void;
  more(): void;
}

/**
 * Arrow keys, Home and End move between the projects (one tab stop for the whole list, so Tab
 * goes on to what follows it); Enter or Space opens one.
 */
function rove(e: KeyboardEvent) {
  const items = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>('button.item')];
  const at = items.indexOf(e.target as HTMLButtonElement);
  const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 }[e.key];
  if (to === undefined || at < 0) return;
  e.preventDefault();
  const next = items[Math.max(0, Math.min(items.length - 1, to))];
  for (const b of items) b.tabIndex = b === next ? 0 : -1;
  next.focus();
}

/** The project list: the accessible alternative to the map, and what works before and without it. */
export function renderList(o: ListOptions) {
  const { index, shown, s, locale } = o;
  if (!shown.length) return html`<p class="muted empty">${s.empty}</p>`;
  const visible = shown.length > o.limit ? shown.slice(0, o.limit) : shown;
  // The selected project is the tab stop; else the first.
  const stop = visible.includes(o.selected ?? -1) ? o.selected : visible[0];
  return html`<ul class="list" part="list" aria-label=${s.list} @keydown=${rove}
      >${visible.map((i) => {
        const p = index.features[i].properties;
        const cat = o.categories[p.category];
        return html`<li
          ><button type="button" class="item" data-i=${i} tabindex=${i === stop ? 0 : -1} aria-current=${i === o.selected ? 'true' : 'false'}
            @click=${() => o.select(i)}
            >${categoryIcon(cat)}<span class="text"
              ><b dir="auto">${p.title}</b
              ><span class="meta">${statusSwatch(p.status)} ${s.statuses[p.status]} · ${cat?.label ?? p.category}</span
              ><span class="meta">${dates(p, s, locale)}</span
              >${p.address ? html`<span class="meta" dir="auto">${p.address}</span>` : nothing}</span
            ></button
          ></li
        >`;
      })}</ul
    >${shown.length > o.limit
      ? html`<button type="button" class="more" @click=${o.more}>${s.more}</button>`
      : nothing}`;
}
