// Bundle sizes: what a host page downloads for each entry of dist/cdn (the entry plus every chunk
// it imports statically; dynamic import() is not counted), in gzip -9, gzip -6 and brotli -11
// bytes, against the budgets. The gzip -6 / brotli numbers come from the team's reference tool
// (/work/shared/tools/bundle-report.mjs --json, the one the before-stop hook prints) so both agree;
// gzip -9 and the lazy chunks (translations, <civic-config>) are computed here with the same rules.
//
//   tsx bench/bundle.ts [DIST_DIR=dist/cdn] [--json out.json]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REFERENCE_TOOL = process.env.BUNDLE_REPORT ?? '/work/shared/tools/bundle-report.mjs';

export interface Sizes {
  raw: number;
  gz9: number;
  gz6: number;
  br: number;
}
export interface EntryRow extends Sizes {
  entry: string;
  label: string;
  files: string[];
  budgetGz: number | null;
  /** gz6 ≤ budget (the budget is defined on the reference tool's gzip -6 number). */
  ok: boolean | null;
  /** The reference tool's own numbers for this entry, when it ran. */
  reference?: { files: number; raw: number; gz: number; br: number } | null;
}
export interface LazyRow extends Sizes {
  chunk: string;
  kind: 'translation' | 'widget entry' | 'lazy';
  /** Language name for translation chunks. */
  language?: string;
  importedBy: string[];
  /** Bytes that loading it adds beyond what its importer already loaded (it + its new static deps). */
  extra: Sizes;
}
export interface BundleResult {
  dist: string;
  referenceTool: { path: string; ran: boolean; agrees: boolean; note?: string };
  entries: EntryRow[];
  lazy: LazyRow[];
  largest: { file: string; gz6: number }[];
  warnings: string[];
}

// Budgets in gzip (-6, as the reference tool measures) bytes for an entry and its static imports.
const BUDGETS = [
  { match: /(^|[-_/])(loader|civic)\.js$/, label: 'loader', gz: 1024 },
  { match: /poll/, label: 'poll', gz: 8 * 1024 },
  { match: /consult/, label: 'consultation', gz: 10 * 1024 },
  { match: /comment/, label: 'comments', gz: 12 * 1024 },
  { match: /map/, label: 'project map (before maplibre)', gz: 16 * 1024 },
];

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });

const measure = (buf: Buffer): Sizes => ({
  raw: buf.length,
  gz9: gzipSync(buf, { level: 9 }).length,
  gz6: gzipSync(buf, { level: 6 }).length,
  br: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});
const add = (a: Sizes, b: Sizes): Sizes => ({ raw: a.raw + b.raw, gz9: a.gz9 + b.gz9, gz6: a.gz6 + b.gz6, br: a.br + b.br });
const zero: Sizes = { raw: 0, gz9: 0, gz6: 0, br: 0 };

// Same pattern as the reference tool: `import x from"./a.js"`, `export * from "./a.js"`, `import "./a.js"`.
const STATIC_RE = /(?:\bfrom\s*|\bimport\s*)(["'])(\.{1,2}\/[^"']+)\1/g;
// `import("./a.js")` / import(`./a.js`) with a literal relative path (what Vite emits).
const DYNAMIC_RE = /\bimport\s*\(\s*([`"'])(\.{1,2}\/[^`"'$]+)\1\s*\)/g;

/** Language name for a chunk named like `fr-<hash>.js` / `pt-BR-<hash>.js`, else undefined. */
function languageOf(file: string): string | undefined {
  const m = /^(.*)-[A-Za-z0-9_-]{8}\.m?js$/.exec(basename(file));
  const code = m?.[1];
  if (!code || !/^[a-z]{2}(?:[-_][A-Za-z]{2,4})?$/.test(code)) return undefined;
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' }).of(code.replace('_', '-'));
    return name && name.toLowerCase() !== code.toLowerCase() ? name : undefined;
  } catch {
    return undefined;
  }
}

function referenceRows(dist: string): { rows: NonNullable<EntryRow['reference'] & { entry: string; budgetGz: number | null }>[] | null; note?: string } {
  if (!existsSync(REFERENCE_TOOL)) return { rows: null, note: `${REFERENCE_TOOL} not found: numbers computed here only` };
  try {
    const out = execFileSync(process.execPath, [REFERENCE_TOOL, dist, '--json'], { encoding: 'utf8' }).trim();
    const line = out.split('\n').find((l) => l.startsWith('['));
    if (!line) return { rows: null, note: `reference tool printed no JSON: ${out.slice(0, 200)}` };
    return { rows: JSON.parse(line) };
  } catch (err) {
    return { rows: null, note: `reference tool failed: ${(err as Error).message.slice(0, 300)}` };
  }
}

export function runBundle(distArg = join(root, 'dist/cdn')): BundleResult {
  const dist = resolve(distArg);
  if (!existsSync(dist)) throw new Error(`no ${dist}: run npm run build first`);
  const warnings: string[] = [];
  const files = walk(dist).filter((f) => /\.(m?js|css)$/.test(f));
  const size = new Map(files.map((f) => [f, measure(readFileSync(f))]));
  const rel = (f: string) => relative(dist, f);

  const imports = (file: string, re: RegExp) => {
    if (!/\.m?js$/.test(file)) return [];
    const src = readFileSync(file, 'utf8');
    const out = new Set<string>();
    for (const m of src.matchAll(re)) {
      const target = resolve(dirname(file), m[2]);
      if (size.has(target)) out.add(target);
      else if (re === DYNAMIC_RE || !/^https?:/.test(m[2])) warnings.push(`${rel(file)} imports ${m[2]}, which is not in ${rel(dist) || dist}`);
    }
    return [...out];
  };
  const closure = (entry: string) => {
    const seen = new Set<string>();
    const stack = [entry];
    while (stack.length) {
      const f = stack.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      stack.push(...imports(f, STATIC_RE));
    }
    return seen;
  };
  const sum = (set: Iterable<string>) => [...set].reduce((s, f) => add(s, size.get(f)!), zero);

  // Entries: JS files not inside chunks/ or assets/ (the reference tool's rule).
  const entryFiles = files.filter(
    (f) => /\.m?js$/.test(f) && !/(^|[\\/])(chunks|assets)[\\/]/.test(rel(f)) && !/worker/.test(basename(f)),
  );
  const ref = referenceRows(dist);
  let agrees = ref.rows !== null;
  const entries: EntryRow[] = entryFiles.map((e) => {
    const set = closure(e);
    const s = sum(set);
    const budget = BUDGETS.find((b) => b.match.test(rel(e)));
    const r = ref.rows?.find((x) => x.entry === rel(e)) ?? null;
    if (ref.rows && (!r || r.gz !== s.gz6 || r.br !== s.br || r.raw !== s.raw || r.files !== set.size)) {
      agrees = false;
      warnings.push(`${rel(e)}: reference tool says ${JSON.stringify(r)}, computed here ${JSON.stringify({ files: set.size, ...s })}`);
    }
    const budgetGz = r?.budgetGz ?? budget?.gz ?? null;
    return {
      entry: rel(e),
      label: budget?.label ?? rel(e),
      files: [...set].map(rel),
      ...s,
      // The reference tool's gzip number is authoritative for the budget verdict.
      ...(r ? { gz6: r.gz, br: r.br, raw: r.raw } : {}),
      budgetGz,
      ok: budgetGz === null ? null : (r?.gz ?? s.gz6) <= budgetGz,
      reference: r && { files: r.files, raw: r.raw, gz: r.gz, br: r.br },
    };
  });
  entries.sort((a, b) => a.gz6 - b.gz6);

  // Lazy chunks: every dynamic import reachable from an entry, with what it adds on top of the importer.
  const lazy = new Map<string, LazyRow>();
  for (const e of entryFiles) {
    const loaded = closure(e);
    for (const f of loaded) {
      for (const target of imports(f, DYNAMIC_RE)) {
        const extraSet = [...closure(target)].filter((x) => !loaded.has(x));
        const row = lazy.get(target);
        if (row) {
          if (!row.importedBy.includes(rel(e))) row.importedBy.push(rel(e));
          continue;
        }
        const language = languageOf(target);
        lazy.set(target, {
          chunk: rel(target),
          kind: entryFiles.includes(target) ? 'widget entry' : language ? 'translation' : 'lazy',
          language,
          importedBy: [rel(e)],
          ...size.get(target)!,
          extra: sum(extraSet),
        });
      }
    }
  }
  for (const row of lazy.values())
    if (row.raw === 0) warnings.push(`${row.chunk} is EMPTY (0 bytes): whatever it should define is missing from the build`);
  const largest = [...size.entries()]
    .sort((a, b) => b[1].gz6 - a[1].gz6)
    .slice(0, 6)
    .map(([f, s]) => ({ file: rel(f), gz6: s.gz6 }));
  const kindOrder = { 'widget entry': 0, lazy: 1, translation: 2 };
  return {
    dist: relative(root, dist) || dist,
    referenceTool: { path: REFERENCE_TOOL, ran: ref.rows !== null, agrees, note: ref.note },
    entries,
    lazy: [...lazy.values()].sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || a.chunk.localeCompare(b.chunk)),
    largest,
    warnings: [...new Set(warnings)],
  };
}

const kib = (n: number) => (n / 1024).toFixed(2);
const pad = (s: string | number, n: number) => String(s).padStart(n);

export function printBundle(r: BundleResult) {
  console.log(`\n## Bundle sizes — ${r.dist} (entry + static imports; bytes, KiB in brackets)`);
  console.log(
    r.referenceTool.ran
      ? `gzip-6 and brotli-11 from ${r.referenceTool.path} --json (${r.referenceTool.agrees ? 'agrees with the recomputation here' : 'DISAGREES with the recomputation here, see warnings'})`
      : `reference tool not used: ${r.referenceTool.note}`,
  );
  console.log('entry'.padEnd(12) + 'files'.padStart(6) + 'raw'.padStart(9) + 'gzip-9'.padStart(9) + 'gzip-6'.padStart(9) + 'br-11'.padStart(9) + '   budget (gzip-6)');
  for (const e of r.entries) {
    const verdict = e.budgetGz === null ? '' : `${e.ok ? 'ok' : 'OVER'} ≤ ${e.budgetGz} (${kib(e.budgetGz)} KiB, ${e.label})${e.ok ? '' : `  +${e.gz6 - e.budgetGz} B`}`;
    console.log(e.entry.padEnd(12) + pad(e.files.length, 6) + pad(e.raw, 9) + pad(e.gz9, 9) + pad(e.gz6, 9) + pad(e.br, 9) + '   ' + verdict);
    console.log(' '.repeat(12) + `  = ${e.files.join(' + ')}  [gz-6 ${kib(e.gz6)} KiB]`);
  }
  console.log('\nlazy chunks (dynamic import; not in the numbers above)');
  console.log('chunk'.padEnd(36) + 'kind'.padEnd(22) + 'raw'.padStart(7) + 'gzip-9'.padStart(8) + 'gzip-6'.padStart(8) + 'br-11'.padStart(7) + '  +new static deps gz-6');
  for (const l of r.lazy) {
    const kind = l.kind === 'translation' ? `translation (${l.language})` : l.kind;
    console.log(l.chunk.padEnd(36) + kind.padEnd(22) + pad(l.raw, 7) + pad(l.gz9, 8) + pad(l.gz6, 8) + pad(l.br, 7) + pad(l.extra.gz6, 8) + `  ← ${l.importedBy.join(', ')}`);
  }
  console.log('largest files (gzip-6 B): ' + r.largest.map((x) => `${x.file} ${x.gz6}`).join(', '));
  for (const w of r.warnings) console.log(`WARNING: ${w}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const jsonAt = args.indexOf('--json');
  const jsonOut = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
  const dist = args.find((a, i) => !a.startsWith('--') && (jsonAt < 0 || i !== jsonAt + 1));
  try {
    const r = runBundle(dist);
    printBundle(r);
    if (jsonOut) writeFileSync(jsonOut, JSON.stringify(r, null, 2));
  } catch (err) {
    console.error(`bundle bench: ${(err as Error).message}`);
    process.exit(1);
  }
}
