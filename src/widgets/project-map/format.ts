import { fill } from '../../core/i18n/index.ts';
import type { ProjectMapStrings } from './i18n/index.ts';
import type { ProjectProperties } from './project-map.types.ts';

const formats: Record<string, Intl.DateTimeFormat> = {};

/**
 * A calendar day as the locale writes it; read as UTC so no time zone moves it a day. One
 * formatter per locale: toLocaleDateString would build one per call, twice per list item.
 */
export const day = (iso: string, locale: string) =>
  (formats[locale] ??= new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })).format(
    new Date(iso + 'T00:00:00Z'),
  );

/** "3 Mar 2026 – 30 Jun 2026", "from 3 Mar 2026", or one day. */
export function dates(p: ProjectProperties, s: ProjectMapStrings, locale: string) {
  const start = day(p.start, locale);
  if (!p.end) return fill(s.ongoing, { start });
  return p.end === p.start ? start : fill(s.range, { start, end: day(p.end, locale) });
}
