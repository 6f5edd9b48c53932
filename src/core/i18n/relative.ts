// Not in the core chunk: only some widgets format relative times, and each module lands in the chunk
// of exactly the widgets that import it (no extra file; the project map downloads none of it).
import { once } from './index.ts';

/** "in 3 days", "in 2 hours": the largest unit that is at least one. */
export function relative(ms: number, locale: string): string {
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 864e5],
    ['hour', 36e5],
    ['minute', 6e4],
  ];
  const [unit, size] = units.find(([, s]) => Math.abs(ms) >= s) ?? units[2];
  return once('r' + locale, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })).format(Math.round(ms / size), unit);
}
