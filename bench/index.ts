// `npm run bench`: every benchmark, one summary table, and docs/benchmarks.md with the latest numbers.
// Numbers, not pass/fail: the exit code is 0 whatever the numbers are (non-zero only when a bench
// could not run at all), and "target" is a yardstick, not an assertion.
//
//   npm run bench                    build if dist/cdn is missing, then bundle, render (poll in English and
//                                    French, a 30-comment thread page), votes (30 s each), comments (the
//                                    10,000-comment thread's first page, SQLite and PostgreSQL)
//   npm run bench -- --quick         the same with 5 s vote runs (a smoke run)
//   options: --build (build first even when dist exists), --iterations N (render, default 5),
//            --no-votes, --no-render (every render scenario), --no-comments (bench/comments.ts), --no-projects (bench/projects.ts), --no-map (bench/map.ts), --no-console (bench/console.ts),
//            --no-docs (do not write docs/benchmarks.md), --json FILE
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printBundle, runBundle, type BundleResult } from './bundle.ts';
import { printRender, runRender, type RenderResult, type Stat } from './render.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = flag('--quick');
const COMMENT_SEED = { topLevel: 36, replies: 40 };
const voteSeconds = quick ? 5 : 30;
const voteConnections = 50;
const started = new Date();
const notes: string[] = [];

// ---------------------------------------------------------------------------------------------
// Build when needed.
function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { withFileTypes: true }).reduce((m, d) => {
    const p = join(dir, d.name);
    return Math.max(m, d.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }, 0);
}
const loaderFile = join(root, 'dist/cdn/civic.js');
if (flag('--build') || !existsSync(loaderFile)) {
  console.log(flag('--build') ? 'building (--build) …' : 'dist/cdn is missing: running npm run build …');
  const b = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0 || !existsSync(loaderFile)) {
    console.error('bench: npm run build failed; cannot measure the bundle or render');
    process.exit(1);
  }
} else if (newestMtime(join(root, 'src')) > statSync(loaderFile).mtimeMs) {
  const msg = 'dist/cdn is older than src/: the numbers are for the last build, not the current source (npm run bench -- --build to rebuild first)';
  console.log(`NOTE: ${msg}`);
  notes.push(msg);
}

// ---------------------------------------------------------------------------------------------
// Bundle.
let bundle: BundleResult | null = null;
try {
  bundle = runBundle(join(root, 'dist/cdn'));
  printBundle(bundle);
} catch (err) {
  notes.push(`bundle bench failed: ${(err as Error).message}`);
  console.error(`bundle bench failed: ${(err as Error).stack}`);
}

// Render: the English page (5 iterations + a traced pass), then a French one, whose translation
// chunk is lazy and so may add a request (3 iterations, no trace).
let render: RenderResult | null = null;
let renderFr: RenderResult | null = null;
let renderComments: RenderResult | null = null;
let renderConsultation: RenderResult | null = null;
if (!flag('--no-render')) {
  const iterations = Number(value('--iterations') ?? 5);
  try {
    render = await runRender({ iterations, throttle: 4 });
    printRender(render);
  } catch (err) {
    notes.push(`render bench failed: ${(err as Error).message.split('\n')[0]}`);
    console.error(`render bench failed: ${(err as Error).stack}`);
  }
  try {
    renderFr = await runRender({ iterations: Math.min(iterations, 3), throttle: 4, lang: 'fr', trace: false });
    printRender(renderFr);
  } catch (err) {
    notes.push(`render bench (fr) failed: ${(err as Error).message.split('\n')[0]}`);
    console.error(`render bench (fr) failed: ${(err as Error).stack}`);
  }
  // The comment thread: a page with one <civic-comments> whose thread has 36 top-level comments and 40
  // replies (the first page: 30 + 40), first render only (nothing clicked), with a traced pass.
  try {
    renderComments = await runRender({ widget: 'comments', comments: COMMENT_SEED, iterations, throttle: 4 });
    printRender(renderComments);
  } catch (err) {
    notes.push(`render bench (comments) failed: ${(err as Error).message.split('\n')[0]}`);
    console.error(`render bench (comments) failed: ${(err as Error).stack}`);
  }
  // The consultation card inline in an article (with the editor CSS docs/embedding.md gives): load,
  // then one tap answers.
  try {
    renderConsultation = await runRender({ widget: 'consultation', iterations, throttle: 4 });
    printRender(renderConsultation);
  } catch (err) {
    notes.push(`render bench (consultation) failed: ${(err as Error).message.split('\n')[0]}`);
    console.error(`render bench (consultation) failed: ${(err as Error).stack}`);
  }
}

// Votes: bench/votes.ts belongs to another part of the project; we only call it.
interface VotesRun {
  db: string;
  ok: boolean;
  exitCode: number | null;
  seconds: number;
  /** What we could read from its output. */
  votesPerSec: number | null;
  p50: number | null;
  p99: number | null;
  errors: number | null;
  json: unknown;
  tail: string;
  why?: string;
}
const votesFile = join(root, 'bench/votes.ts');
const votes: VotesRun[] = [];

function parseVotes(out: string): Pick<VotesRun, 'votesPerSec' | 'p50' | 'p99' | 'errors' | 'json'> {
  // Prefer a JSON object on a line of its own (the last one); fall back to "… votes/s", "p50 … ms".
  let json: Record<string, unknown> | null = null;
  for (const line of out.split('\n').reverse()) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      json = JSON.parse(t);
      break;
    } catch {
      /* not JSON */
    }
  }
  const find = (obj: unknown, re: RegExp): number | null => {
    if (!obj || typeof obj !== 'object') return null;
    for (const [k, v] of Object.entries(obj)) {
      if (re.test(k) && typeof v === 'number') return v;
      const inner = find(v, re);
      if (inner !== null) return inner;
    }
    return null;
  };
  const num = (re: RegExp) => {
    const m = re.exec(out);
    return m ? Number(m[1]) : null;
  };
  return {
    json,
    votesPerSec: find(json, /^(votesPerSec(ond)?|votes_per_s(ec)?|rps|throughput|requestsPerSec(ond)?)$/i) ?? num(/([\d.,]+)\s*(?:votes|req(?:uests)?)\s*\/\s*s\b/i),
    p50: find(json, /^(p50|latencyP50|p50Ms)$/i) ?? num(/p50[^\d\n]{0,12}([\d.]+)/i),
    p99: find(json, /^(p99|latencyP99|p99Ms)$/i) ?? num(/p99[^\d\n]{0,12}([\d.]+)/i),
    errors: find(json, /^(errors|non2xx|failures)$/i) ?? num(/(\d+)\s+(?:errors|non-2xx)/i),
  };
}

/** Runs `node --import tsx <args>` in the project, its output teed to ours; a stuck run is ended after timeoutMs. */
async function runChild(args: string[], timeoutMs: number): Promise<{ code: number | null; out: string; seconds: number }> {
  const t0 = Date.now();
  let out = '';
  const code = await new Promise<number | null>((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const tee = (to: NodeJS.WriteStream) => (chunk: Buffer) => {
      out += chunk;
      to.write(chunk);
    };
    child.stdout.on('data', tee(process.stdout));
    child.stderr.on('data', tee(process.stderr));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', () => done(null));
    child.on('exit', (c) => {
      clearTimeout(timer);
      done(c);
    });
  });
  return { code, out, seconds: Math.round((Date.now() - t0) / 100) / 10 };
}

async function runVotes(db: 'sqlite' | 'postgres'): Promise<VotesRun> {
  console.log(`\n## Votes — ${db}: tsx bench/votes.ts --db ${db} --duration ${voteSeconds} --connections ${voteConnections}`);
  // A stuck run must not hold the whole bench: duration plus start-up and teardown.
  const { code, out, seconds } = await runChild(
    ['bench/votes.ts', '--db', db, '--duration', String(voteSeconds), '--connections', String(voteConnections)],
    (voteSeconds + 180) * 1000,
  );
  const parsed = parseVotes(out);
  return {
    db,
    ok: code === 0,
    exitCode: code,
    seconds,
    ...parsed,
    // Its human summary (from the "== votes bench" heading on), else the last lines.
    tail: (out.includes('== votes bench') ? out.slice(out.lastIndexOf('== votes bench')) : out.trim().split('\n').slice(-15).join('\n')).trim(),
    why: code === 0 ? undefined : `exited with ${code}`,
  };
}

let votesMissing = false;
if (!flag('--no-votes')) {
  if (!existsSync(votesFile)) {
    votesMissing = true;
    console.log('\n## Votes\nNOT RUN: bench/votes.ts does not exist yet (another helper is writing it); no server-load numbers in this run.');
    notes.push('votes bench NOT RUN: bench/votes.ts does not exist yet');
  } else {
    for (const db of ['sqlite', 'postgres'] as const) {
      const r = await runVotes(db);
      votes.push(r);
      if (!r.ok) notes.push(`votes bench (${db}) failed: ${r.why}`);
    }
  }
}

// Comments: bench/comments.ts (the first page of a 10,000-comment thread, sequential requests), as
// `npm run bench:comments` runs it, on SQLite and on PostgreSQL. It ends with a JSON summary line.
interface CommentsCase {
  name: string;
  p50: number;
  p99: number;
  max: number;
  kb: number;
}
interface CommentsRun {
  db: string;
  ok: boolean;
  exitCode: number | null;
  seconds: number;
  json: { comments?: number; requests?: number; load?: number[]; cases?: CommentsCase[]; target?: { firstPageP99Ms: number | null }; verdict?: string } | null;
  tail: string;
  why?: string;
}
/** Runs a server bench (bench/<name>.ts --db <db>) that ends with a `{"bench":"<name>",…}` JSON line. */
async function runServerBench(name: string, db: string, marker: string): Promise<CommentsRun> {
  console.log(`\n## ${name} — ${db}: tsx bench/${name}.ts --db ${db}`);
  const { code, out, seconds } = await runChild([`bench/${name}.ts`, '--db', db], 600_000);
  const line = out.split('\n').reverse().find((l) => l.trim().startsWith(`{"bench":"${name}"`));
  let json: CommentsRun['json'] = null;
  try {
    json = line ? JSON.parse(line) : null;
  } catch {
    /* no summary line */
  }
  const ok = code === 0 && json !== null;
  const why = code !== 0 ? `exited with ${code}` : json === null ? 'no JSON summary line' : undefined;
  const from = out.indexOf(marker);
  if (!ok) notes.push(`${name} bench (${db}) failed: ${why}`);
  return { db, ok, exitCode: code, seconds, json, tail: (from >= 0 ? out.slice(from) : out.trim().split('\n').slice(-15).join('\n')).trim(), why };
}
const commentsRuns: CommentsRun[] = [];
if (!flag('--no-comments'))
  for (const db of ['sqlite', 'postgres'] as const) commentsRuns.push(await runServerBench('comments', db, '== comments bench'));

// Projects: bench/projects.ts (the GeoJSON feed of 10,000 and 100,000 projects), on SQLite.
const projectsRuns: CommentsRun[] = [];
if (!flag('--no-projects')) projectsRuns.push(await runServerBench('projects', 'sqlite', '\n== '));

// The project map in Chromium: bench/map.ts (10, 10,000 and 100,000 projects: map idle, filtering).
interface MapResult {
  n: number;
  floor?: boolean;
  idleAfterStartMs: number;
  listMs: number;
  mapIdleMs: number;
  idleAfterMaplibreMs: number;
  filter: { p50Ms: number; maxMs: number; longestOursMs: number };
}
let mapRun: { json: { results?: MapResult[] } | null; tail: string; seconds: number; code: number | null } | null = null;
if (!flag('--no-map')) {
  console.log('\n## Project map: tsx bench/map.ts');
  const { code, out, seconds } = await runChild(['bench/map.ts'], 900_000);
  const line = out.split('\n').reverse().find((l) => l.trim().startsWith('{"bench":"map"'));
  let json = null;
  try {
    json = line ? JSON.parse(line) : null;
  } catch {
    /* no summary line */
  }
  const from = out.indexOf('\n== ');
  mapRun = { json, seconds, code, tail: (from >= 0 ? out.slice(from, out.lastIndexOf('{"bench"')) : out.trim().split('\n').slice(-15).join('\n')).trim() };
  if (!json) notes.push(`map bench failed: exit ${code}`);
}

// The staff console's first screen in Chromium: bench/console.ts (sign-in, and signed in to the polls list).
interface ConsoleResult {
  signIn: { interactiveMs: { median: number; max: number } };
  signedIn: { interactiveMs: { median: number; max: number }; contentMs: { median: number; max: number }; longestTaskMs: number };
  bundle: { firstScreenKb: number; allJsKb: number };
}
let consoleRun: ConsoleResult | null = null;
if (!flag('--no-console')) {
  console.log('\n## Staff console: tsx bench/console.ts');
  const { code, out } = await runChild(['bench/console.ts'], 300_000);
  const found = out.split('\n').reverse().find((l) => l.trim().startsWith('{"bench":"console"'));
  try {
    consoleRun = found ? (JSON.parse(found) as ConsoleResult) : null;
  } catch {
    /* no summary line */
  }
  if (!consoleRun) notes.push(`console bench failed: exit ${code}`);
}

// ---------------------------------------------------------------------------------------------
// One summary table: every number with its target.
interface Row {
  area: string;
  metric: string;
  value: string;
  target: string;
  verdict: string;
}
const rows: Row[] = [];
/** Integers as they are; fractions below 1 (CLS) with up to `digits` decimals, others with one. */
const fmtN = (v: number | null | undefined, unit = '', digits = 1) =>
  v === null || v === undefined || !Number.isFinite(v)
    ? '—'
    : `${Number.isInteger(v) ? v : Math.abs(v) < 1 ? Number(v.toFixed(Math.max(digits, 1))) : Number(v.toFixed(1))}${unit}`;
const verdict = (v: number | null | undefined, max: number | null) => (max === null || v === null || v === undefined ? '' : v <= max ? 'ok' : 'OVER');

if (bundle) {
  for (const e of bundle.entries) {
    rows.push({
      area: 'bundle',
      metric: `${e.entry} + static imports, gzip -6 (${e.files.length} files)`,
      value: `${e.gz6} B`,
      target: e.budgetGz === null ? '—' : `≤ ${e.budgetGz} B (${e.label} budget)`,
      verdict: e.ok === null ? '' : e.ok ? 'ok' : 'OVER',
    });
    rows.push({ area: 'bundle', metric: `${e.entry} + static imports, gzip -9`, value: `${e.gz9} B`, target: e.budgetGz === null ? '—' : `(≤ ${e.budgetGz} B)`, verdict: verdict(e.gz9, e.budgetGz) });
    rows.push({ area: 'bundle', metric: `${e.entry} + static imports, brotli -11`, value: `${e.br} B`, target: '—', verdict: '' });
  }
  for (const l of bundle.lazy.filter((x) => x.kind !== 'widget entry'))
    rows.push({
      area: 'bundle (lazy)',
      metric: `${l.chunk}${l.language ? ` (${l.language})` : ''}, gzip -6 / -9 / br`,
      value: `${l.gz6} / ${l.gz9} / ${l.br} B`,
      target: l.raw === 0 ? 'not empty' : '—',
      verdict: l.raw === 0 ? 'EMPTY' : '',
    });
}

if (render) {
  const s = render.summary;
  const st = (x: Stat, unit = '', digits = 1) => `${fmtN(x.median, unit, digits)} (worst ${fmtN(x.worst, unit, digits)})`;
  const add = (metric: string, x: Stat, unit: string, max: number | null, target: string, digits = 1) =>
    rows.push({ area: 'render', metric, value: st(x, unit, digits), target, verdict: verdict(x.median, max) + (max !== null && x.worst !== null && x.worst > max && (x.median ?? 0) <= max ? ' (worst OVER)' : '') });
  add('content drawn since navigation', s.contentMs, ' ms', 2500, '≤ 2500 ms (LCP "good")');
  add('interactive (TTI-style, 5 s quiet window)', s.interactiveMs, ' ms', 3800, '≤ 3800 ms (Lighthouse TTI "fast")');
  add('longest long task (load, render, vote)', s.longestTaskMs, ' ms', 50, '≤ 50 ms (no long task)');
  add('long tasks during load', s.longTasksLoad, '', 0, '0');
  add('long tasks during the vote', s.longTasksVote, '', 0, '0');
  add('total blocking time before the vote', s.tbtMs, ' ms', 200, '≤ 200 ms (Lighthouse mobile "good")');
  add('vote: longest interaction (Event Timing)', s.longestInteractionMs, ' ms', 200, '≤ 200 ms (INP "good")');
  add('vote: click → "thanks" drawn (1 round trip)', s.voteMs, ' ms', null, '—');
  add('data requests per widget at load', s.dataRequestsPerWidgetLoad, '', 2, '≤ 2 (GET poll + live stream)');
  add('data requests per widget for a vote', s.dataRequestsPerWidgetVote, '', null, '—');
  add('request chain depth to content', s.chainDepthToContent, '', 3, '≤ 3 (loader → widget → data)');
  add('request chain depth incl. live stream', s.chainDepth, '', null, '—');
  add('waterfalls delaying content (data after data)', s.waterfallsBeforeContent, '', 0, '0');
  add('script chunks requested after data', s.scriptsAfterData, '', 0, '0');
  add('CLS during load (all causes)', s.clsTotal, '', 0.1, '≤ 0.1 (CLS "good")', 4);
  add('CLS widget appears (nothing → skeleton)', s.clsAppear, '', null, '—', 4);
  add('CLS skeleton → content', s.clsSkeletonToContent, '', 0.1, '≤ 0.1', 4);
  add('widget height skeleton / content', s.skeletonHeightPx, ' px', null, `equal (content ${fmtN(s.contentHeightPx.median, ' px')})`);
}

if (renderFr) {
  const s = renderFr.summary;
  const st = (x: Stat, unit = '', digits = 1) => `${fmtN(x.median, unit, digits)} (worst ${fmtN(x.worst, unit, digits)})`;
  const add = (metric: string, x: Stat, unit: string, max: number | null, target: string, digits = 1) =>
    rows.push({ area: 'render fr', metric, value: st(x, unit, digits), target, verdict: verdict(x.median, max) });
  add(`content drawn (lang=fr, ${renderFr.iterations.length} iterations)`, s.contentMs, ' ms', 2500, '≤ 2500 ms');
  add('longest long task', s.longestTaskMs, ' ms', 50, '≤ 50 ms');
  add('request chain depth to content', s.chainDepthToContent, '', 3, '≤ 3');
  add('script chunks requested after data', s.scriptsAfterData, '', 0, '0');
  add('waterfalls delaying content', s.waterfallsBeforeContent, '', 0, '0');
  add('CLS during load', s.clsTotal, '', 0.1, '≤ 0.1', 4);
}

if (renderComments) {
  const s = renderComments.summary;
  const st = (x: Stat, unit = '', digits = 1) => `${fmtN(x.median, unit, digits)} (worst ${fmtN(x.worst, unit, digits)})`;
  const add = (metric: string, x: Stat | undefined, unit: string, max: number | null, target: string, digits = 1) =>
    x && rows.push({ area: 'render comments', metric, value: st(x, unit, digits), target, verdict: verdict(x.median, max) + (max !== null && x.worst !== null && x.worst > max && (x.median ?? 0) <= max ? ' (worst OVER)' : '') });
  const seeded = renderComments.seeded;
  const page = seeded ? `${seeded.firstPage.topLevel} + ${seeded.firstPage.replies} replies` : '30-comment page';
  add(`content drawn since navigation (${page})`, s.contentMs, ' ms', 2500, '≤ 2500 ms (LCP "good")');
  add('longest long task (load and first render)', s.longestTaskMs, ' ms', 50, '≤ 50 ms (the issue: no task over 50 ms at 4× CPU)');
  add('long tasks during load', s.longTasksLoad, '', 0, '0');
  add('total blocking time', s.tbtMs, ' ms', 200, '≤ 200 ms (Lighthouse mobile "good")');
  add('CLS during load (all causes)', s.clsTotal, '', 0.1, '≤ 0.1 (CLS "good")', 4);
  add('CLS skeleton → content', s.clsSkeletonToContent, '', 0.1, '≤ 0.1', 4);
  add('comments drawn in the first content render', s.contentItems, '', null, '—');
  add('data requests per widget at load', s.dataRequestsPerWidgetLoad, '', 2, '≤ 2 (GET page + live stream)');
  add('request chain depth to content', s.chainDepthToContent, '', 3, '≤ 3 (loader → widget → data)');
}

if (renderConsultation) {
  const s = renderConsultation.summary;
  const st = (x: Stat, unit = '', digits = 1) => `${fmtN(x.median, unit, digits)} (worst ${fmtN(x.worst, unit, digits)})`;
  const add = (metric: string, x: Stat | undefined, unit: string, max: number | null, target: string, digits = 1) =>
    x && rows.push({ area: 'render consultation', metric, value: st(x, unit, digits), target, verdict: verdict(x.median, max) + (max !== null && x.worst !== null && x.worst > max && (x.median ?? 0) <= max ? ' (worst OVER)' : '') });
  add('content drawn since navigation', s.contentMs, ' ms', 2500, '≤ 2500 ms (LCP "good")');
  add('longest long task (load, first render)', s.longestTaskMs, ' ms', 50, '≤ 50 ms (the issue: no task over 50 ms at 4× CPU)');
  add('longest task during the answer', s.longestVoteTaskMs, ' ms', 50, '≤ 50 ms');
  add('total blocking time', s.tbtMs, ' ms', 200, '≤ 200 ms (Lighthouse mobile "good")');
  add('CLS during load (412 px phone, editor CSS)', s.clsTotal, '', 0, '0 (the issue: zero layout shift of the article)', 4);
  add('tap → thank-you drawn', s.voteMs, ' ms', null, '—');
  add('requests per answer', s.dataRequestsPerWidgetVote, '', 1, '1 (the issue: one round trip)');
}

for (const v of votes) {
  // bench/votes.ts ends with a JSON line; its "target" (votes/s, p99) is the one this table shows.
  const j = (v.json ?? {}) as {
    target?: { votesPerSec?: number; p99?: number | null };
    baselineReqPerSec?: number;
    ratio?: number;
    serverCpuUsPerVote?: number | null;
    exactlyOnce?: boolean;
  };
  const area = `votes ${v.db}`;
  const extra = v.ok ? '' : ` (FAILED: ${v.why})`;
  const minRate = j.target?.votesPerSec ?? null;
  const maxP99 = j.target?.p99 ?? null;
  rows.push({
    area,
    metric: `votes/s (2xx), ${voteConnections} connections, ${voteSeconds} s${extra}`,
    value: fmtN(v.votesPerSec, '/s'),
    target: minRate === null ? '—' : `≥ ${minRate}/s (bench/votes.ts)`,
    verdict: minRate === null || v.votesPerSec === null ? '' : v.votesPerSec >= minRate ? 'ok' : 'UNDER',
  });
  rows.push({ area, metric: 'vote latency p50', value: fmtN(v.p50, ' ms'), target: '—', verdict: '' });
  rows.push({ area, metric: 'vote latency p99', value: fmtN(v.p99, ' ms'), target: maxP99 === null ? '—' : `≤ ${maxP99} ms (bench/votes.ts)`, verdict: verdict(v.p99, maxP99) });
  if (j.baselineReqPerSec !== undefined)
    rows.push({ area, metric: 'baseline GET /livez req/s (votes/baseline)', value: `${j.baselineReqPerSec}/s (${fmtN((j.ratio ?? NaN) * 100, ' %')})`, target: '—', verdict: '' });
  if (j.serverCpuUsPerVote !== undefined && j.serverCpuUsPerVote !== null)
    rows.push({ area, metric: 'server CPU per vote', value: `${j.serverCpuUsPerVote} µs`, target: '—', verdict: '' });
  if (v.errors !== null) rows.push({ area, metric: 'errors + timeouts + non-2xx', value: fmtN(v.errors), target: '0', verdict: v.errors === 0 ? 'ok' : 'OVER' });
  if (j.exactlyOnce !== undefined) rows.push({ area, metric: 'every acknowledged vote stored exactly once', value: j.exactlyOnce ? 'yes' : 'NO', target: 'yes', verdict: j.exactlyOnce ? 'ok' : 'FAIL' });
}
if (votesMissing) rows.push({ area: 'votes', metric: 'sqlite and postgres', value: 'NOT RUN', target: '—', verdict: 'bench/votes.ts missing' });

for (const c of commentsRuns) {
  const area = `comments ${c.db}`;
  const j = c.json;
  if (!j?.cases) {
    rows.push({ area, metric: `first page of a 10,000-comment thread (FAILED: ${c.why})`, value: '—', target: '—', verdict: '' });
    continue;
  }
  const maxP99 = j.target?.firstPageP99Ms ?? null;
  for (const [i, k] of j.cases.entries()) {
    const first = i === 0;
    rows.push({ area, metric: `${k.name}: p50`, value: fmtN(k.p50, ' ms'), target: '—', verdict: '' });
    rows.push({
      area,
      metric: `${k.name}: p99 (${j.requests} requests, ${k.kb} KB)`,
      value: fmtN(k.p99, ' ms'),
      target: first && maxP99 !== null ? `≤ ${maxP99} ms (bench/comments.ts)` : '—',
      verdict: first ? verdict(k.p99, maxP99) : '',
    });
  }
}

for (const c of projectsRuns) {
  const area = `projects ${c.db}`;
  const cases = (c.json as { cases?: { name: string; n: number; http: { p50: number; p99: number }; kb: number; wireKb: number }[] } | null)?.cases;
  if (!cases) {
    rows.push({ area, metric: `GeoJSON feed (FAILED: ${c.why})`, value: '—', target: '—', verdict: '' });
    continue;
  }
  for (const k of cases) {
    const target = k.n === 10_000 && k.name === 'whole feed';
    rows.push({
      area,
      metric: `${k.n.toLocaleString('en')} projects, ${k.name}: http p50 (p99) (${k.kb} KB, ${k.wireKb} KB on the wire)`,
      value: `${fmtN(k.http.p50, ' ms')} (${fmtN(k.http.p99, ' ms')})`,
      target: target ? '≤ 50 ms (the issue)' : '—',
      verdict: target ? verdict(k.http.p50, 50) : '',
    });
  }
}

for (const r of mapRun?.json?.results ?? []) {
  const area = 'project map';
  const n = r.n.toLocaleString('en');
  if (r.floor) {
    rows.push({ area, metric: 'the floor: 10 projects on a background-only style, map idle after it started (maplibre alone)', value: fmtN(r.idleAfterStartMs, ' ms'), target: '—', verdict: '' });
    continue;
  }
  const idleTarget = r.n === 10_000 ? 1000 : r.n === 100_000 ? 2500 : null;
  rows.push({ area, metric: `${n} projects: list shown since navigation`, value: fmtN(r.listMs, ' ms'), target: '—', verdict: '' });
  rows.push({
    area,
    metric: `${n} projects: map idle after the maplibre chunk arrived (SwiftShader)`,
    value: fmtN(r.idleAfterMaplibreMs, ' ms'),
    target: idleTarget ? `≤ ${idleTarget} ms (the issue)` : '—',
    verdict: idleTarget ? verdict(r.idleAfterMaplibreMs, idleTarget) : '',
  });
  rows.push({ area, metric: `${n} projects: map idle after the map started (maplibre evaluated, projects in)`, value: fmtN(r.idleAfterStartMs, ' ms'), target: '—', verdict: '' });
  rows.push({ area, metric: `${n} projects: map idle since navigation`, value: fmtN(r.mapIdleMs, ' ms'), target: '—', verdict: '' });
  rows.push({
    area,
    metric: `${n} projects: filtering, input → list drawn p50 (max); longest task of our code`,
    value: `${fmtN(r.filter.p50Ms, ' ms')} (${fmtN(r.filter.maxMs, ' ms')}); ${fmtN(r.filter.longestOursMs, ' ms')}`,
    target: '≤ 50 ms (the issue)',
    verdict: verdict(r.filter.longestOursMs, 50),
  });
}

if (consoleRun) {
  const area = 'staff console';
  const c = consoleRun;
  rows.push({ area, metric: 'sign-in screen interactive, median (max) of 5, no throttling', value: `${fmtN(c.signIn.interactiveMs.median, ' ms')} (${fmtN(c.signIn.interactiveMs.max, ' ms')})`, target: '≤ 1000 ms (the issue)', verdict: verdict(c.signIn.interactiveMs.median, 1000) });
  rows.push({ area, metric: 'signed in: shell interactive, median (max)', value: `${fmtN(c.signedIn.interactiveMs.median, ' ms')} (${fmtN(c.signedIn.interactiveMs.max, ' ms')})`, target: '≤ 1000 ms (the issue)', verdict: verdict(c.signedIn.interactiveMs.median, 1000) });
  rows.push({ area, metric: 'signed in: polls list shown, median (max); longest task', value: `${fmtN(c.signedIn.contentMs.median, ' ms')} (${fmtN(c.signedIn.contentMs.max, ' ms')}); ${fmtN(c.signedIn.longestTaskMs, ' ms')}`, target: '—', verdict: '' });
  rows.push({ area, metric: 'console JS gzip: first screen (all chunks); nothing of it in dist/cdn', value: `${fmtN(c.bundle.firstScreenKb, ' KiB')} (${fmtN(c.bundle.allJsKb, ' KiB')})`, target: '—', verdict: '' });
}

const widths = (['area', 'metric', 'value', 'target', 'verdict'] as const).map((k) => Math.max(k.length, ...rows.map((r) => r[k].length)));
const line = (r: Row) => [r.area, r.metric, r.value, r.target, r.verdict].map((c, i) => c.padEnd(widths[i])).join('  ');
console.log('\n## Summary (render: median of the iterations, worst in brackets)');
console.log(line({ area: 'area', metric: 'metric', value: 'value', target: 'target', verdict: 'verdict' }));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
for (const n of notes) console.log(`NOTE: ${n}`);
const allWarnings = [
  ...new Set([
    ...(bundle?.warnings ?? []),
    ...(render?.warnings ?? []),
    ...(renderFr?.warnings ?? []).map((w) => `(fr) ${w}`),
    ...(renderComments?.warnings ?? []).map((w) => `(comments) ${w}`),
    ...(renderConsultation?.warnings ?? []).map((w) => `(consultation) ${w}`),
  ]),
];
for (const w of allWarnings) console.log(`WARNING: ${w}`);

// ---------------------------------------------------------------------------------------------
// docs/benchmarks.md
function chromiumVersion(): string {
  if (render) return `${render.browserVersion} (Debian chromium, headless)`;
  const r = spawnSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' });
  return (r.stdout || '').trim() || 'unknown';
}
const machine = {
  date: started.toISOString(),
  cpus: availableParallelism(),
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  chromium: chromiumVersion(),
  os: `${readFileSync('/etc/os-release', 'utf8').match(/PRETTY_NAME="([^"]+)"/)?.[1] ?? 'Linux'} (kernel ${release()})`,
  load: loadavg()[0].toFixed(1),
};

const md: string[] = [];
const esc = (s: string) => s.replace(/\|/g, '\\|');
md.push('# Benchmarks', '');
md.push('Generated by `npm run bench` (bench/index.ts); rerun it to refresh this page. Numbers, not pass/fail:');
md.push('"target" is the yardstick each number is read against. The bundle budgets come from the issues; the render');
md.push('targets are the usual web thresholds (Core Web Vitals, Lighthouse mobile), stated beside each number.', '');
md.push(`## Latest run${quick ? ' (--quick: 5 s vote runs)' : ''}`, '');
md.push(`- date: ${machine.date}`);
md.push(`- machine: ${machine.cpus} CPUs (\`nproc\`), ${machine.cpuModel}, ${machine.memoryGiB} GiB memory, ${machine.os}`);
md.push(`- node ${machine.node}, chromium ${machine.chromium}`);
const loadLine = (what: string, r: RenderResult) =>
  md.push(`- load average during the ${what}: ${r.load.before} → ${r.load.after} on ${r.load.cpus} CPUs${Math.max(r.load.before, r.load.after) > r.load.cpus ? ' — **the machine was busy; timings are inflated and noisy**' : ''}`);
if (render) loadLine('render bench', render);
if (renderComments) loadLine('comments render bench', renderComments);
if (renderConsultation) loadLine('consultation render bench', renderConsultation);
md.push(`- commands: \`npm run bench${quick ? ' -- --quick' : ''}\` = \`tsx bench/index.ts\`; parts: \`tsx bench/bundle.ts\`, \`tsx bench/render.ts\`, \`tsx bench/render.ts --widget comments|consultation\`, \`tsx bench/votes.ts --db sqlite|postgres --duration ${voteSeconds} --connections ${voteConnections}\`, \`tsx bench/comments.ts --db sqlite|postgres\` (= \`npm run bench:comments\` on SQLite), \`tsx bench/projects.ts\`, \`tsx bench/map.ts\``, '');
md.push('| area | metric | value | target | verdict |', '|---|---|---|---|---|');
for (const r of rows) md.push(`| ${esc(r.area)} | ${esc(r.metric)} | ${esc(r.value)} | ${esc(r.target)} | ${esc(r.verdict)} |`);
md.push('');
if (notes.length || allWarnings.length) {
  md.push('Notes and warnings from this run:', '');
  for (const n of [...notes, ...allWarnings]) md.push(`- ${n}`);
  md.push('');
}

if (bundle) {
  md.push('## Bundle (bench/bundle.ts)', '');
  md.push(`What a host page downloads for each entry of \`${bundle.dist}\`: the entry plus every chunk it imports statically`);
  md.push('(dynamic `import()` not counted), each file compressed on its own as it is served. gzip -6 and brotli -11 are');
  md.push(`the reference tool's numbers (\`${bundle.referenceTool.path} --json\`${bundle.referenceTool.ran ? (bundle.referenceTool.agrees ? ', recomputed here and equal' : ', which DISAGREES with the recomputation') : ': not available in this run'}); gzip -9 is computed here.`, '');
  md.push('| entry | files | raw B | gzip -9 B | gzip -6 B | brotli -11 B | budget (gzip -6) |', '|---|---|---|---|---|---|---|');
  for (const e of bundle.entries) md.push(`| ${e.entry} (${e.files.join(' + ')}) | ${e.files.length} | ${e.raw} | ${e.gz9} | ${e.gz6} | ${e.br} | ${e.budgetGz === null ? '—' : `${e.budgetGz} ${e.ok ? 'ok' : `**OVER by ${e.gz6 - e.budgetGz} B**`}`} |`);
  md.push('', 'Lazy chunks (loaded by `import()` only when needed; "adds" = with the static imports its importer had not loaded yet):', '');
  md.push('| chunk | kind | imported by | raw B | gzip -9 B | gzip -6 B | brotli -11 B | adds gzip -6 B |', '|---|---|---|---|---|---|---|---|');
  for (const l of bundle.lazy) md.push(`| ${l.chunk} | ${l.kind}${l.language ? ` (${l.language})` : ''} | ${l.importedBy.join(', ')} | ${l.raw} | ${l.gz9} | ${l.gz6} | ${l.br} | ${l.extra.gz6} |`);
  md.push('');
}

if (render) {
  const s = render.summary;
  const order = [...render.iterations].sort((a, b) => (a.contentAt ?? 0) - (b.contentAt ?? 0));
  const it = order[order.length >> 1];
  md.push('## Render (bench/render.ts)', '');
  md.push(`Debian Chromium ${render.browserVersion}, headless, driven by playwright-core; CPU throttled ×${render.throttle} with CDP`);
  md.push(`\`Emulation.setCPUThrottlingRate\`${render.calibration ? ` (a busy loop ran ×${render.calibration.ratio} slower: ${render.calibration.unthrottledMs} → ${render.calibration.throttledMs} ms)` : ''}; viewport ${render.viewport.width}×${render.viewport.height}; no network throttling`);
  md.push(`(the server is on localhost). The real server runs as a child process (free port, temp DATA_DIR, DEMO=1, SEED=1) and serves`);
  md.push(`the page \`${render.page}\`: a plain article with one \`<civic-poll poll="bike-lanes">\` and the one script tag \`<script type="module" src="${render.scriptSrc}">\`.`);
  md.push(`${render.iterations.length} cold iterations (fresh browser context, cache disabled, new resident), each: load → wait for a 5 s quiet window → choose an`);
  md.push('option and vote with real input events (CDP `Input.dispatchMouseEvent`). All in-page measuring is a PerformanceObserver /');
  md.push('MutationObserver init script driven over raw CDP, so Playwright injects nothing into the page while it is measured.', '');
  md.push('| metric | median | worst | per iteration |', '|---|---|---|---|');
  for (const [k, x] of Object.entries(s)) md.push(`| ${k} | ${fmtN(x.median, '', 4)} | ${fmtN(x.worst, '', 4)} | ${x.values.map((v) => fmtN(v, '', 4)).join(', ')} |`);
  md.push('');
  if (it) {
    md.push('Requests of the median iteration (ms since the document request; `*` = on the longest sequential chain):', '', '```');
    for (const q of it.requests.filter((x) => x.kind !== 'other')) {
      const on = it.chain.some((c) => c.id === q.id) ? '*' : ' ';
      const end = q.end === null ? (q.type === 'EventSource' ? 'open' : '—') : String(q.end);
      md.push(`${on}${String(q.start).padStart(8)}${end.padStart(9)}  ${q.phase.padEnd(5)} ${q.type.padEnd(11)} ${String(q.status ?? '').padStart(4)}  ${q.method} ${q.path}`);
    }
    md.push('```', '');
    md.push(`Chain: ${it.chain.map((c) => '`' + c.path.replace(/\?.*/, '') + '`').join(' → ')}.`, '');
    if (it.waterfalls.length) {
      md.push('Waterfalls (a data request that starts only after another finished):', '');
      for (const w of it.waterfalls) md.push(`- ${w}`);
      md.push('');
    }
    const shifts = it.shifts.filter((x) => x.value > 0.0005);
    if (shifts.length) {
      md.push('Layout shifts of the median iteration:', '');
      for (const x of shifts) md.push(`- at ${x.at} ms: ${x.value} — ${x.state}${x.widget ? ` (widget ${x.widget})` : ''}${x.recentInput ? ', after input (not in CLS)' : ''}`);
      md.push('');
    }
  }
  if (render.trace) {
    md.push('Long tasks of one traced pass (CDP Tracing with the V8 CPU profiler; same flow, not in the medians). Activity = self');
    md.push('time of timeline events; "untraced" = time inside the task that no event covers (the throttle pausing the thread, or');
    md.push('waiting for a CPU); JavaScript by URL = CPU-profile samples, so our scripts can be told from the rest:', '');
    md.push('| at ms | phase | ms | activity | JavaScript by URL |', '|---|---|---|---|---|');
    for (const t of render.trace.tasks)
      md.push(`| ${t.start} | ${t.phase} | ${t.duration} | ${t.breakdown.slice(0, 5).map((p) => `${p.what} ${p.ms}`).join(', ')} | ${t.scripts.slice(0, 4).map((p) => `${esc(p.what)} ${p.ms}`).join(', ') || '—'} |`);
    md.push('');
  }
}

if (renderFr) {
  const order = [...renderFr.iterations].sort((a, b) => (a.contentAt ?? 0) - (b.contentAt ?? 0));
  const it = order[order.length >> 1];
  md.push('### The same page in French (`<html lang="fr">`: the translation chunk is lazy)', '');
  md.push('| metric | median | worst | per iteration |', '|---|---|---|---|');
  for (const [k, x] of Object.entries(renderFr.summary)) md.push(`| ${k} | ${fmtN(x.median, '', 4)} | ${fmtN(x.worst, '', 4)} | ${x.values.map((v) => fmtN(v, '', 4)).join(', ')} |`);
  md.push('');
  if (it) {
    md.push('Load requests of the median iteration:', '', '```');
    for (const q of it.requests.filter((x) => x.kind !== 'other' && x.phase === 'load'))
      md.push(`${String(q.start).padStart(8)}${(q.end === null ? 'open' : String(q.end)).padStart(9)}  ${q.type.padEnd(11)} ${q.method} ${q.path}`);
    md.push('```', '');
  }
}

if (renderComments) {
  const r = renderComments;
  const order = [...r.iterations].sort((a, b) => (a.contentAt ?? 0) - (b.contentAt ?? 0));
  const it = order[order.length >> 1];
  const seed = r.seeded;
  md.push('## Render: a comment thread (bench/render.ts --widget comments)', '');
  md.push(`The same browser, throttling (×${r.throttle}${r.calibration ? `, busy loop ×${r.calibration.ratio}` : ''}), viewport and freshly started server as above; the page \`${r.page}\` is a short`);
  md.push('article with one `<civic-comments thread="…">` in the first viewport and the page footer after it (the worst case');
  md.push('for layout shift: a thread at the very end of a long article shifts nothing the reader sees).');
  if (seed)
    md.push(`Before the iterations the thread gets ${seed.topLevel} top-level comments and ${seed.replies} replies through the public API (varied length,`,
      `some with paragraphs, emphasis or a link; replies on every third of the newest 30, a third of them at depth 2), so its first page`,
      `holds ${seed.firstPage.topLevel} top-level comments and ${seed.firstPage.replies} replies (${seed.firstPage.kb} KB of JSON).`);
  md.push(`${r.iterations.length} cold iterations, each: load → a 5 s quiet window; nothing is clicked. "content" = the first \`[part=comment]\` drawn;`);
  md.push('`contentItems` / `contentNodes` = comments and elements in the widget\'s shadow DOM in that first content frame.', '');
  md.push('| metric | median | worst | per iteration |', '|---|---|---|---|');
  for (const [k, x] of Object.entries(r.summary)) md.push(`| ${k} | ${fmtN(x.median, '', 4)} | ${fmtN(x.worst, '', 4)} | ${x.values.map((v) => fmtN(v, '', 4)).join(', ')} |`);
  md.push('');
  if (it) {
    md.push('Load requests of the median iteration:', '', '```');
    for (const q of it.requests.filter((x) => x.kind !== 'other' && x.phase === 'load'))
      md.push(`${String(q.start).padStart(8)}${(q.end === null ? 'open' : String(q.end)).padStart(9)}  ${q.type.padEnd(11)} ${q.method} ${q.path}`);
    md.push('```', '');
    md.push(`Long tasks of the median iteration (PerformanceObserver): ${it.longTasks.map((l) => `${l.duration} ms at ${l.start} ms`).join(', ') || 'none'}.`, '');
    const shifts = it.shifts.filter((x) => x.value > 0.0005);
    if (shifts.length) {
      md.push('Layout shifts of the median iteration:', '');
      for (const x of shifts) md.push(`- at ${x.at} ms: ${x.value} — ${x.state}${x.widget ? ` (widget ${x.widget})` : ''}; moved ${x.sources.slice(0, 3).join(', ')}`);
      md.push('');
    }
  }
  if (r.trace) {
    md.push('Long tasks of one traced pass (columns as above). How to tell them apart: the content render is the task that');
    md.push('starts when `GET /v1/comments` has answered (see the requests), with script in `comments.js` and the shared chunks');
    md.push('(Lit, the core); the task right after it with mostly style / layout / paint is the browser laying out and painting');
    md.push('what that render made; a task of shared-chunk script alone while the request is in flight is the Intl warm-up');
    md.push('(the page\'s first `Intl.NumberFormat` loads ICU data) or the widget\'s first update (the skeleton).', '');
    md.push('| at ms | phase | ms | activity | JavaScript by URL |', '|---|---|---|---|---|');
    for (const t of r.trace.tasks)
      md.push(`| ${t.start} | ${t.phase} | ${t.duration} | ${t.breakdown.slice(0, 5).map((p) => `${p.what} ${p.ms}`).join(', ')} | ${t.scripts.slice(0, 4).map((p) => `${esc(p.what)} ${p.ms}`).join(', ') || '—'} |`);
    md.push('');
  }
}

if (votes.length || votesMissing) {
  md.push('## Votes (bench/votes.ts)', '');
  if (votesMissing) md.push('Not run: `bench/votes.ts` did not exist at the time of this run.', '');
  md.push('Server load: the real server as a child process, autocannon against one open poll (10 % of the requests are');
  md.push('retries with the same Idempotency-Key), a bare `GET /livez` as the baseline, then an exactly-once check of the');
  md.push('database against the acknowledged votes. Its output:', '');
  for (const v of votes) {
    md.push(`### ${v.db} (${v.seconds} s wall, exit ${v.exitCode})`, '', '```', v.tail, '```', '');
  }
}

if (commentsRuns.length) {
  md.push('## Comments (bench/comments.ts)', '');
  md.push('Thread read latency (`npm run bench:comments` is the SQLite run): the app in-process over a fresh database, one thread');
  md.push('of 10,000 comments (70 % top-level, 30 % replies, a third of those on the 30 newest so the first page carries full');
  md.push('reply sets), then sequential keep-alive GETs timed per case. Its output:', '');
  for (const c of commentsRuns) md.push(`### ${c.db} (${c.seconds} s wall, exit ${c.exitCode})`, '', '```', c.tail, '```', '');
}

if (projectsRuns.length) {
  md.push('## Projects (bench/projects.ts)', '');
  md.push('The GeoJSON feed of the project map: the app in-process over a fresh SQLite database, one site per size with');
  md.push('10,000 and 100,000 approved projects (60 % points, 25 % lines, 15 % polygons), sequential keep-alive GETs. Its output:', '');
  for (const c of projectsRuns) md.push(`### ${c.db} (${c.seconds} s wall, exit ${c.exitCode})`, '', '```', c.tail, '```', '');
}

if (mapRun) {
  md.push('## Project map (bench/map.ts)', '');
  md.push('The real server seeded with 10 (maplibre and the basemap alone), 10,000 and 100,000 projects, and 10 on a background-only style (the floor), the built bundle, Chromium');
  md.push('with SwiftShader\'s software WebGL2 (no GPU here: map drawing is far slower than on a phone\'s GPU). Its output:', '');
  md.push(`### (${mapRun.seconds} s wall, exit ${mapRun.code})`, '', '```', mapRun.tail, '```', '');
}

md.push('## Caveats', '');
md.push('- The render numbers come from a localhost server: network latency is ~0, so request waterfalls cost almost nothing');
md.push('  here and the chain depth is the number to watch (each hop is one round trip on a real network).');
md.push('- CPU throttling is emulated by pausing the renderer thread; with other work on the machine (see the load average)');
md.push('  tasks stretch further. Compare runs on the same, idle machine.');
md.push('- "interactive" is TTI-style: the end of the last long task before a 5 s window without one (at least the time the');
md.push('  content and its enabled form were drawn). Page-side times are since navigation start; request times are since');
md.push('  the document request (a few ms later).');
md.push('- Chain depth and waterfalls are read from timing (a request that starts after another finished), not from');
md.push('  causality: on localhost a lazy chunk can finish before an unrelated fetch starts and lengthen the chain by one.');
md.push('- CLS counts shifts without recent input; shifts after the vote click are listed separately (they follow input).');
md.push('- Bench instrumentation (the init script) runs in the page and shows up as "(no url)" script time; it is small.');
md.push('');

if (!flag('--no-docs')) {
  writeFileSync(join(root, 'docs/benchmarks.md'), md.join('\n'));
  console.log('\nwrote docs/benchmarks.md');
}
const jsonOut = value('--json');
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ machine, bundle, render, renderFr, renderComments, renderConsultation, votes, comments: commentsRuns, projects: projectsRuns, map: mapRun, notes, rows }, null, 2));
console.log(`bench done in ${Math.round((Date.now() - started.getTime()) / 1000)} s`);
process.exit(bundle || render || renderComments || renderConsultation ? 0 : 1);
