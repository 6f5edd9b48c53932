// Whole numbers and percentages in the shipped Latin-digit languages are written without
// Intl.NumberFormat (whose first use costs a long task): they must read exactly as Intl writes them.
import { expect } from '@open-wc/testing';
import { plural } from '../../src/core/i18n/index.ts';
import { percent } from '../../src/core/i18n/percent.ts';

const counts = [0, 1, 2, 7, 42, 999, 1000, 1234, 9999, 10000, 12345, 999999, 1000000, 123456789, -5, -1234];
const shares: number[] = [0, 1];
for (let n = 1; n <= 60; n++) for (let k = 0; k <= n; k++) shares.push(k / n);

describe('number formatting without Intl.NumberFormat', () => {
  for (const locale of ['en', 'fr', 'de', 'es', 'nl']) {
    it(`${locale}: whole numbers and percentages read as Intl writes them`, () => {
      const intl = new Intl.NumberFormat(locale);
      const one = { one: '{n}', other: '{n}' };
      for (const n of counts) expect(plural(one, n, locale), `${locale} ${n}`).to.equal(intl.format(n));
      const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
      for (const x of shares) expect(percent(locale).format(x), `${locale} ${x}`).to.equal(pct.format(x));
    });
  }

  it('other locales and fractions go to Intl (Arabic digits, regional formats)', () => {
    expect(plural({ other: '{n}' }, 1234, 'ar')).to.equal(new Intl.NumberFormat('ar').format(1234));
    expect(percent('ar').format(0.5)).to.equal(new Intl.NumberFormat('ar', { style: 'percent', maximumFractionDigits: 0 }).format(0.5));
    expect(plural({ other: '{n}' }, 1234567, 'de-CH')).to.equal(new Intl.NumberFormat('de-CH').format(1234567));
    expect(plural({ other: '{n}' }, 2.5, 'fr')).to.equal(new Intl.NumberFormat('fr').format(2.5));
  });
});
