// Not in the core chunk: only some widgets format percentages, and each module lands in the chunk
// of exactly the widgets that import it (no extra file; the project map downloads none of it).
import { LATIN, group, once, type Formatter } from './index.ts';

export const percent = (locale: string): Formatter =>
  once('%' + locale, () => {
    const l = LATIN[locale.toLowerCase()];
    return l
      ? // Rounded from the shortest decimal form, as Intl does (0.575 → 58 %, not 57 from 57.4999…).
        { format: (x: number) => group(x < 5e-3 ? 0 : Math.round(+(x + 'e2')), l) + l[1] + '%' }
      : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  });
