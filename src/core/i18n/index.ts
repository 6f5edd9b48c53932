import type { Plural, Translation } from './translation.ts';
import { en } from './en.ts';

export type { Plural, Translation };
export { en };

/** A set of strings in every language: English ships with the code, the others load when a page needs them. */
export interface Pack<S> {
  en: S;
  lazy: Record<string, () => Promise<S>>;
}

/** The strings every widget shares (loading, retry, errors). */
export const core: Pack<Translation> = {
  en,
  lazy: {
    fr: () => import('./fr.ts').then((m) => m.fr),
    de: () => import('./de.ts').then((m) => m.de),
    es: () => import('./es.ts').then((m) => m.es),
    nl: () => import('./nl.ts').then((m) => m.nl),
    ar: () => import('./ar.ts').then((m) => m.ar),
  },
};

export const supported = ['en', ...Object.keys(core.lazy)];

/** The element's `lang`, then the closest `[lang]` ancestor (across shadow roots), then `<html lang>`. */
export function resolveLocale(el: Element): string {
  for (let n: Node | null = el; n; n = n.parentNode ?? (n as ShadowRoot).host ?? null) {
    const lang = (n as Element).getAttribute?.('lang');
    if (lang) return lang;
  }
  return 'en';
}

/** The best supported language for a BCP 47 tag: `fr-BE` → fr; anything unknown → en. */
export const baseLanguage = (locale: string) => {
  const base = locale.toLowerCase().split('-')[0];
  return supported.includes(base) ? base : 'en';
};

export const isRtl = (locale: string) => /^(ar|he|fa|ur)\b/i.test(locale);

/** A pack's strings for a locale; the browser fetches each language's module once per page. */
export function loadPack<S>(pack: Pack<S>, locale: string): Promise<S> {
  return pack.lazy[baseLanguage(locale)]?.() ?? Promise.resolve(pack.en);
}

/** Fills `{name}` placeholders. */
export const fill = (s: string, vars: Record<string, string | number>) =>
  s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));

/** Intl formatters are costly to build: one of each per locale, made on first use. */
const memo: Record<string, object> = {};
export const once = <T extends object>(key: string, make: () => T) => (memo[key] ??= make()) as T;
const rules = (locale: string) => once('p' + locale, () => new Intl.PluralRules(locale));

/**
 * The first Intl.NumberFormat of a page costs Chromium 30–45 ms (over 110 ms on a CPU slowed 4×):
 * one long task in every widget's load. Whole numbers and percentages in the languages we ship
 * with Latin digits are written from their separators instead (checked against Intl in a test):
 * [thousands separator, space before %, smallest number grouped]. Other locales use Intl.
 */
export const LATIN: Record<string, [string, string, number]> = {
  en: [',', '', 1e3],
  fr: ['\u202f', '\u00a0', 1e3],
  de: ['.', '\u00a0', 1e3],
  es: ['.', '\u00a0', 1e4],
  nl: ['.', '', 1e3],
};
export const group = (n: number, [sep, , min]: [string, string, number]) =>
  (n < 0 ? '-' : '') + (Math.abs(n) < min ? String(Math.abs(n)) : String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, sep));
export interface Formatter {
  format(n: number): string;
}
const numbers = (locale: string): Formatter =>
  once('n' + locale, () => {
    const l = LATIN[locale.toLowerCase()];
    return l ? { format: (n: number) => (Number.isSafeInteger(n) ? group(n, l) : new Intl.NumberFormat(locale).format(n)) } : new Intl.NumberFormat(locale);
  });

/**
 * Builds the formatters ahead of use, while the data request is in flight, so that the task that
 * draws the content does not pay for them.
 */
export function warmUp(locale: string) {
  numbers(locale).format(1);
  rules(locale).select(1);
}

/** Chooses the plural form for n and fills `{n}` with n formatted for the locale. */
export const plural = (p: Plural, n: number, locale: string) =>
  fill(p[rules(locale).select(n)] ?? p.other, { n: numbers(locale).format(n) });
