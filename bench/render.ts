// Render costs of one embedded widget (a poll by default), in Debian's Chromium (headless, playwright-core) with the CPU
// throttled 4× through CDP, against the real reference server (a child process: free port, temp
// DATA_DIR, DEMO=1, SEED=1). Per iteration, in a fresh browser context (cold cache, new resident):
//   (a) long tasks (>50 ms) during load, render and a vote — PerformanceObserver 'longtask', plus
//       'long-animation-frame' for script attribution; one extra traced pass (CDP Tracing) breaks
//       the long tasks down by script URL and activity (compile, run, style, layout, …);
//   (b) the requests the widget makes: data requests (fetch/EventSource to /v1) per widget, and the
//       request chain (document → loader → chunks → widget → data), with waterfalls flagged;
//   (c) time from navigation to the poll's content ([part=question] in its shadow DOM) and to
//       interactive (TTI-style: the end of the last long task before a 5 s quiet window);
//   (d) layout shift (CLS, 'layout-shift' entries) while the widget goes skeleton → content.
// Numbers, not pass/fail.
//
// The comments scenario (--widget comments) measures a page with one <civic-comments thread=…> whose
// thread is first seeded through the public API (--comments top-level comments, --replies replies on
// the newest 30 of them); nothing is clicked (no vote), so (a)-(d) cover load and first render.
//
//   tsx bench/render.ts [--widget poll|comments] [--comments 36] [--replies 40] [--iterations 5] [--throttle 4]
//                       [--page bench|demo] [--lang en|fr|…] [--no-trace] [--json out.json]
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { chromiumArgs, ensureChromium } from '../scripts/chromium.mjs';
import { freePort, spawnServer, type SpawnedServer } from '../scripts/test-server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VIEWPORT = { width: 412, height: 823 }; // a mid-range phone, as Lighthouse's mobile run (with 4× CPU)
const QUIET_MS = 5_000; // TTI quiet window (Lighthouse's definition)
const QUIET_CAP_MS = 20_000;
const ADMIN_TOKEN = 'bench-admin-token';

/** The selectors the in-page probe watches, inside the widget's shadow DOM. */
interface WidgetProbe {
  tag: string;
  /** Content drawn: every widget of that tag on the page shows it. */
  content: string;
  /** Interactive: the content with a usable form; null = the content itself. */
  formReady: string | null;
  /** Drawn when the interaction (a vote) is done; null = no interaction is measured. */
  done: string | null;
}
/** What is measured: one widget in a plain article (`--widget poll|comments|consultation`). */
export type WidgetName = 'poll' | 'comments' | 'consultation';
interface Scenario extends WidgetProbe {
  name: WidgetName;
  /** The parts clicked for the interaction, in order (the last one sends). */
  clicks?: string[];
  /** The host page's own CSS for the widget, as docs/embedding.md gives it to editors. */
  hostCss?: string;
  /** The bench page, bench<suffix>.html (bench<suffix>-<lang>.html for other languages). */
  suffix: string;
  title: string;
  /** The page's body around the widget (`para(i)` = a paragraph of the host article). */
  body(para: (i: number) => string): string;
}
/** The comments scenario's thread (on the demo site "riverton", whose allow-list holds the bench page's origin). */
export const BENCH_THREAD_KEY = 'https://riverton.example/news/budget-2027';
const SCENARIOS: Record<WidgetName, Scenario> = {
  poll: {
    name: 'poll',
    tag: 'civic-poll',
    content: '[part=question]',
    formReady: '[part=form] input:not([disabled])',
    done: '[part=thanks]',
    suffix: '',
    title: 'Protected bike lanes for Main Street',
    body: (para) => `<p>The council approved the plan on Tuesday. Before the detailed design is finished, the city wants to know what residents think.</p>
<civic-poll poll="bike-lanes" heading-level="2"></civic-poll>
${[1, 2, 3, 4, 5, 6].map(para).join('\n')}`,
  },
  // The card inline in a news article, in the first viewport with text after it: one tap answers.
  consultation: {
    name: 'consultation',
    tag: 'civic-consultation',
    content: '[part=question]',
    formReady: '[part=option] input',
    done: '[part=thanks]',
    clicks: ['option'],
    hostCss:
      'civic-consultation:not(:defined){display:block;min-block-size:16rem}@media (max-width:30em){civic-consultation:not(:defined){min-block-size:20rem}}',
    suffix: '-consultation',
    title: 'Protected bike lanes coming to Main Street next spring',
    body: (para) => `<p>Riverton will build its first fully protected bike lanes along Main Street.</p>
<civic-consultation consultation="bike-lane-feel"></civic-consultation>
${[1, 2, 3, 4, 5, 6].map(para).join('\n')}`,
  },
  // The thread under a short article, with the page's footer after it: the widget is in the first
  // viewport, so its growth from skeleton to a full page of comments is a layout shift the reader sees.
  comments: {
    name: 'comments',
    tag: 'civic-comments',
    content: '[part=comment]',
    formReady: 'civic-comment-form textarea',
    done: null,
    suffix: '-comments',
    title: 'The 2027 budget: what should the city spend on?',
    body: (para) => `<p>The draft budget goes to the council in March. Residents have been discussing it below since it was published.</p>
${para(1)}
<civic-comments thread="${BENCH_THREAD_KEY}" heading-level="2"></civic-comments>
<footer>${[2, 3].map(para).join('\n')}</footer>`,
  },
};
const probe = ({ tag, content, formReady, done }: Scenario): WidgetProbe => ({ tag, content, formReady, done });

export interface Stat {
  median: number | null;
  worst: number | null;
  values: (number | null)[];
}
export interface RequestRow {
  id: string;
  url: string;
  path: string;
  kind: 'document' | 'script' | 'data' | 'other';
  type: string;
  method: string;
  /** ms since the document request started (≈ navigation start). */
  start: number;
  /** ms since navigation when the response headers arrived. */
  response: number | null;
  /** ms since navigation when the body finished; null while open (EventSource) or failed. */
  end: number | null;
  status: number | null;
  failed?: string;
  initiator?: string;
  phase: 'load' | 'vote';
}
export interface LongTask {
  start: number;
  duration: number;
  phase: 'load' | 'settle' | 'vote';
  attribution: string;
}
export interface Iteration {
  definedAt: number | null;
  skeletonAt: number | null;
  contentAt: number | null;
  interactiveAt: number | null;
  quietReached: boolean;
  /** First pointerdown (choosing an option): the vote phase starts here. */
  interactionAt: number | null;
  voteClickAt: number | null;
  thanksAt: number | null;
  voteMs: number | null;
  longestInteractionMs: number | null;
  longTasks: LongTask[];
  longestTaskMs: number;
  tbtMs: number;
  loafScripts: { source: string; invoker: string; ms: number; phase: string }[];
  /** Layout shift without recent input, before the vote, by cause; vote = all shifts after the first click. */
  cls: { total: number; appear: number; skeletonToContent: number; later: number; host: number; vote: number };
  shifts: { at: number; value: number; state: string; recentInput: boolean; sources: string[]; widget: string | null }[];
  heights: { skeleton: number | null; content: number | null };
  /** When the content was first drawn: elements matching the content selector (polls: 1, threads: comments) and elements in the widget's shadow DOM. */
  contentItems: number | null;
  contentNodes: number | null;
  requests: RequestRow[];
  widgets: number;
  dataRequestsLoad: number;
  dataRequestsVote: number;
  /** Requests in the longest sequential chain, document excluded (the live stream included). */
  chainDepth: number;
  /** The same, among requests that finished before the content was drawn: loader → … → data. */
  chainDepthToContent: number;
  chain: RequestRow[];
  waterfalls: string[];
  waterfallsBeforeContent: number;
  scriptsAfterData: string[];
  errors: string[];
}
export interface TraceTask {
  start: number;
  duration: number;
  phase: string;
  /** Self time by activity (timeline events). */
  breakdown: { what: string; ms: number }[];
  /** JavaScript time by script URL (CPU profile samples). */
  scripts: { what: string; ms: number }[];
}
export interface RenderResult {
  widget: WidgetName;
  /** The comments scenario: what the thread was seeded with (through the public API) and what its first page holds. */
  seeded: CommentSeedResult | null;
  browserVersion: string;
  page: string;
  scriptSrc: string;
  throttle: number;
  viewport: typeof VIEWPORT;
  calibration: { unthrottledMs: number; throttledMs: number; ratio: number } | null;
  /** 1-minute load average before and after, against the CPU count: other work on the machine skews timings. */
  load: { before: number; after: number; cpus: number };
  iterations: Iteration[];
  summary: Record<string, Stat>;
  trace: {
    tasks: TraceTask[];
    byScript: { what: string; ms: number }[];
    byActivity: { what: string; ms: number }[];
    samples: number;
    iteration: { contentAt: number | null; longestTaskMs: number };
  } | null;
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------
// In-page instrumentation (runs before any page script).
function instrument(w: WidgetProbe) {
  type Rec = Record<string, unknown>;
  const b = {
    longtasks: [] as Rec[],
    loafs: [] as Rec[],
    shifts: [] as Rec[],
    events: [] as Rec[],
    frames: [] as { t: number; state: string }[],
    resizes: [] as { t: number; h: number }[],
    definedAt: null as number | null,
    skeletonAt: null as number | null,
    contentAt: null as number | null,
    contentItems: null as number | null,
    contentNodes: null as number | null,
    formReadyAt: null as number | null,
    thanksAt: null as number | null,
    clicks: [] as { t: number; part: string }[],
    errors: [] as string[],
    widgets: 0,
  };
  (window as unknown as { __bench: typeof b }).__bench = b;
  const observe = (type: string, cb: (e: PerformanceEntry) => void, extra: Rec = {}) => {
    try {
      new PerformanceObserver((l) => l.getEntries().forEach(cb)).observe({ type, buffered: true, ...extra } as PerformanceObserverInit);
    } catch (e) {
      b.errors.push(`observer ${type}: ${e}`);
    }
  };
  observe('longtask', (e) => {
    const a = (e as unknown as { attribution?: Rec[] }).attribution?.[0] as Rec | undefined;
    b.longtasks.push({
      start: e.startTime,
      duration: e.duration,
      attribution: a ? `${e.name}/${a.containerType}${a.containerSrc ? ' ' + a.containerSrc : ''}${a.containerName ? ' ' + a.containerName : ''}` : e.name,
    });
  });
  observe('long-animation-frame', (e) => {
    const f = e as unknown as Rec & { scripts: Rec[] };
    b.loafs.push({
      start: e.startTime,
      duration: e.duration,
      blocking: f.blockingDuration,
      scripts: (f.scripts ?? []).map((s) => ({
        source: s.sourceURL,
        fn: s.sourceFunctionName,
        invoker: s.invoker,
        invokerType: s.invokerType,
        ms: s.duration,
        forcedLayout: s.forcedStyleAndLayoutDuration,
      })),
    });
  });
  const describe = (n: Node | null) => {
    if (!n) return '?';
    const el = n as Element;
    const host = (n.getRootNode() as ShadowRoot).host;
    const part = el.getAttribute?.('part');
    const me = `${n.nodeName.toLowerCase()}${el.id ? '#' + el.id : ''}${part ? `[part=${part}]` : el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''}`;
    return host ? `${host.nodeName.toLowerCase()} >> ${me}` : me;
  };
  observe('layout-shift', (e) => {
    const s = e as unknown as Rec & { value: number; hadRecentInput: boolean; sources?: { node: Node | null }[] };
    b.shifts.push({ at: e.startTime, value: s.value, recentInput: s.hadRecentInput, sources: (s.sources ?? []).map((x) => describe(x.node)) });
  });
  observe('event', (e) => {
    const t = e as PerformanceEventTiming;
    b.events.push({ name: e.name, start: e.startTime, duration: e.duration, interactionId: (t as unknown as Rec).interactionId });
  }, { durationThreshold: 16 });

  customElements.whenDefined(w.tag).then(() => (b.definedAt ??= performance.now()));
  addEventListener('error', (e) => b.errors.push(`error: ${e.message}`));
  addEventListener('unhandledrejection', (e) => b.errors.push(`unhandledrejection: ${e.reason}`));
  document.addEventListener(
    'pointerdown',
    (e) => {
      const part = (e.composedPath()[0] as Element)?.closest?.('[part]')?.getAttribute('part') ?? '?';
      b.clicks.push({ t: e.timeStamp, part });
    },
    true,
  );
  // State tracking without per-frame polling: a MutationObserver on each poll's shadow root notes a
  // change, and the next animation frame (which draws it; rAF runs before that frame's style, layout
  // and paint) records the time, with performance.now() rather than the frame's start timestamp.
  let ro: ResizeObserver | undefined;
  const watched = new WeakSet<Node>();
  let queued = false;
  const waiters: { key: 'contentAt' | 'thanksAt'; done: (v: number) => void }[] = [];
  const polls = () => [...document.querySelectorAll(w.tag)];
  const watch = () => {
    for (const p of polls()) {
      // Heights are tracked for the first poll only (the one measured and voted on).
      if (!watched.has(p) && p === polls()[0]) {
        watched.add(p);
        (ro ??= new ResizeObserver((es) => es.forEach((x) => b.resizes.push({ t: performance.now(), h: x.borderBoxSize[0].blockSize })))).observe(p);
      }
      if (p.shadowRoot && !watched.has(p.shadowRoot)) {
        watched.add(p.shadowRoot);
        new MutationObserver(changed).observe(p.shadowRoot, { childList: true, subtree: true, attributes: true, characterData: true });
      }
    }
  };
  const record = () => {
    queued = false;
    const now = performance.now();
    const ps = polls();
    b.widgets = ps.length;
    const all = (sel: string) => ps.length > 0 && ps.every((p) => p.shadowRoot?.querySelector(sel));
    const state = all(w.content) ? 'content' : ps.some((p) => p.shadowRoot?.querySelector('[part=skeleton]')) ? 'skeleton' : 'none';
    if (b.frames.at(-1)?.state !== state) b.frames.push({ t: now, state });
    if (state === 'skeleton') b.skeletonAt ??= now;
    if (state === 'content' && b.contentAt === null) {
      b.contentAt = now;
      b.contentItems = ps[0].shadowRoot!.querySelectorAll(w.content).length;
      b.contentNodes = ps[0].shadowRoot!.querySelectorAll('*').length;
    }
    if (b.contentAt !== null && b.formReadyAt === null && all(w.formReady ?? w.content)) b.formReadyAt = now;
    if (w.done && ps[0]?.shadowRoot?.querySelector(w.done)) b.thanksAt ??= now; // only the first widget is acted on
    for (const w of waiters.splice(0)) b[w.key] !== null ? w.done(b[w.key]!) : waiters.push(w);
  };
  function changed() {
    watch();
    if (!queued) (queued = true), requestAnimationFrame(record);
  }
  new MutationObserver(changed).observe(document, { childList: true, subtree: true });
  customElements.whenDefined(w.tag).then(() => {
    b.definedAt ??= performance.now();
    changed();
  });
  // Helpers the bench drives through raw CDP (Runtime.evaluate): Playwright's own page helpers
  // (locators, waitForFunction) would inject and compile its script in the page mid-measurement.
  Object.assign(b, {
    until: (key: 'contentAt' | 'thanksAt') => new Promise<number>((done) => (b[key] !== null ? done(b[key]!) : waiters.push({ key, done }))),
    quiet: (quietMs: number, capMs: number) =>
      new Promise<{ reached: boolean; lastEnd: number }>((done) => {
        const t0 = performance.now();
        const check = () => {
          const lastEnd = Math.max(b.contentAt ?? 0, ...b.longtasks.map((l) => (l.start as number) + (l.duration as number)));
          if (performance.now() - lastEnd >= quietMs) return done({ reached: true, lastEnd });
          if (performance.now() - t0 > capMs) return done({ reached: false, lastEnd });
          setTimeout(check, 250);
        };
        check();
      }),
    /** Centre of a part in the first poll's shadow DOM, in viewport coordinates (scrolled into view). */
    point: (part: string) => {
      const el = polls()[0]?.shadowRoot?.querySelector(`[part~=${part}]`);
      if (!el) return null;
      el.scrollIntoView({ block: 'nearest' });
      const r = el.getBoundingClientRect();
      return { x: r.left + Math.min(r.width / 2, 20), y: r.top + r.height / 2 };
    },
  });
}

// ---------------------------------------------------------------------------------------------
const median = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export function stat(values: (number | null)[], worstIsMax = true): Stat {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return {
    median: median(xs),
    worst: xs.length ? (worstIsMax ? Math.max(...xs) : Math.min(...xs)) : null,
    values,
  };
}
const r1 = (n: number) => Math.round(n * 10) / 10;
const r4 = (n: number) => Math.round(n * 1e4) / 1e4;

/**
 * Bench pages, each with one widget in a plain article (bench<suffix>.html in English,
 * bench<suffix>-<lang>.html), next to a copy of demo/ (served at /).
 */
function makeDemoDir(scriptSrc: string, langs: string[], scenarios: Scenario[] = Object.values(SCENARIOS)) {
  const dir = mkdtempSync(join(tmpdir(), 'civic-bench-demo-'));
  cpSync(join(root, 'demo'), dir, { recursive: true });
  const para = (i: number) =>
    `<p>Paragraph ${i} of the host article. Residents read it on a phone; anything that moves it after it is drawn is a layout shift the reader feels, so the widget should take the space it needs from its first paint.</p>`;
  for (const sc of scenarios)
  for (const lang of langs)
  writeFileSync(
    join(dir, benchPage(sc, lang)),
    `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>civic-widgets render bench</title>
<style>body{font:16px/1.5 sans-serif;margin:0 auto;max-width:40rem;padding:1rem}h1{font-size:1.6rem}${sc.hostCss ?? ''}</style>
<script type="module" src="${scriptSrc}"></script>
</head>
<body>
<h1>${sc.title}</h1>
${sc.body(para)}
</body>
</html>
`,
  );
  return dir;
}

/**
 * A copy of dist/cdn taken once, served by the bench's server (CDN_DIR): others may rebuild dist/
 * while the bench runs, and every iteration must load the same, complete bundle. A copy caught in
 * the middle of a build (a relative import without its file) is taken again a little later.
 */
async function snapshotCdn(): Promise<string> {
  const src = join(root, 'dist/cdn');
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'civic-bench-cdn-'));
    let why = '';
    try {
      cpSync(src, dir, { recursive: true });
      const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.js'));
      if (!files.includes('civic.js')) why = 'dist/cdn/civic.js is missing (npm run build)';
      for (const f of files)
        for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)(["'`])(\.{1,2}\/[^"'`]+)\1/g))
          if (!existsSync(join(dir, dirname(f), m[2]))) why ||= `${f} imports ${m[2]}, which is missing`;
    } catch (e) {
      why = String(e);
    }
    if (!why) return dir;
    rmSync(dir, { recursive: true, force: true });
    if (attempt >= 20) throw new Error(`no complete bundle in dist/cdn: ${why}`);
    await new Promise((r) => setTimeout(r, 3_000)); // a build in progress
  }
}

const benchPage = (sc: Scenario, lang: string) => `bench${sc.suffix}${lang === 'en' ? '' : `-${lang}`}.html`;

// ---------------------------------------------------------------------------------------------
// The comments scenario's thread, written through the public API of the freshly started server, as
// residents would: top-level comments of varied length (some with paragraphs, emphasis, a link),
// then replies to the newest ones (what the first page shows), some of them at depth 2.
export interface CommentSeed {
  /** Top-level comments (the first page shows 30). */
  topLevel: number;
  /** Replies, spread over the newest 30 top-level comments (a third of them have some). */
  replies: number;
}
export interface CommentSeedResult extends CommentSeed {
  key: string;
  seconds: number;
  /** What GET /v1/comments answers for the first page. */
  firstPage: { topLevel: number; replies: number; commentCount: number; kb: number };
}
const NAMES = ['Maria K.', 'Tom B.', 'Ahmed R.', 'Jo', 'Pat', 'Lena S.', 'Sofia', 'Daniel W.', 'Noor', 'Kees', 'Ana P.', 'Yusuf', 'Ella M.', 'Priya'];
const SENTENCES = [
  'The library hours were cut last year and the evenings are when working parents can actually go.',
  'I would rather see the money go to fixing the pavements on the east side before anything new is built.',
  'Public transport should come first: the number 12 bus is full every morning and late every evening.',
  'Has anyone looked at what the new sports hall will cost to run, not just to build?',
  'Schools in the north of the city have been waiting for repairs for years.',
  'More trees on Main Street would help in summer; the heat there in July is unbearable.',
  'I support the housing fund, but only if the homes stay affordable after ten years.',
  'Please publish the full spreadsheet so residents can check the numbers themselves.',
  'The youth centre is the only place my kids can go after school that is not a shopping centre.',
  'A **small** rise in parking fees would pay for a lot of this, and it is *fair* to ask drivers.',
  'Street lighting in the park is a safety issue, not a luxury.',
  'Why is the budget for the city festival higher than the budget for playgrounds?',
];
function commentBody(i: number): string {
  const n = 1 + ((i * 7) % 6); // 1–6 sentences
  const sentences = Array.from({ length: n }, (_, j) => SENTENCES[(i * 5 + j * 3) % SENTENCES.length]);
  const text = i % 4 === 3 ? `${sentences.slice(0, 2).join(' ')}\n\n${sentences.slice(2).join(' ')}` : sentences.join(' ');
  return i % 9 === 4 ? `${text} The draft is at https://riverton.example/budget/2027-draft.pdf (page 14).` : text;
}

export async function seedComments(base: string, { topLevel, replies }: CommentSeed, key = BENCH_THREAD_KEY): Promise<CommentSeedResult> {
  const t0 = Date.now();
  const call = async <T>(method: string, path: string, body: unknown, headers: Record<string, string> = {}, expect = [200, 201]): Promise<T> => {
    const res = await fetch(base + path, {
      method,
      // The bench page's origin (in the demo site's allow-list): public writes need an allowed Origin.
      // (An empty value drops the header: the admin API is called as a server would, without Origin.)
      headers: Object.fromEntries(Object.entries({ 'content-type': 'application/json', origin: base, ...headers }).filter(([, v]) => v !== '')),
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`seeding comments: ${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
  // Residents may post back to back here (the site's per-author limits are off for the seed).
  await call('PATCH', '/v1/admin/sites/riverton', { comments: { rateLimitSeconds: 0, dailyCap: 0 } }, { authorization: `Bearer ${ADMIN_TOKEN}`, origin: '' });
  const tokens: string[] = [];
  for (let i = 0; i < NAMES.length; i++) tokens.push((await call<{ token: string }>('POST', '/v1/participants', {})).token);
  const post = async (i: number, parentId?: string) => {
    const r = await call<{ comment: { id: string; status: string } }>(
      'POST',
      '/v1/comments',
      { thread: key, name: NAMES[i % NAMES.length], body: commentBody(i), ...(parentId ? { parentId } : {}) },
      { authorization: `Participant ${tokens[i % tokens.length]}`, 'idempotency-key': `bench-seed-${i}` },
    );
    if (r.comment.status !== 'published') throw new Error(`seeding comments: comment ${i} was ${r.comment.status}, not published`);
    return r.comment.id;
  };
  const roots: string[] = [];
  for (let i = 0; i < topLevel; i++) roots.push(await post(i));
  // Replies go to every third of the newest 30 top-level comments; every third reply answers the previous reply (depth 2).
  const newest = roots.slice(-30).reverse().filter((_, j) => j % 3 === 0);
  const lastReply = new Map<string, string>();
  for (let r = 0; r < replies; r++) {
    const root = newest[(r * 7) % newest.length];
    const prev = lastReply.get(root);
    const id = await post(topLevel + r, r % 3 === 2 && prev ? prev : root);
    if (!(r % 3 === 2 && prev)) lastReply.set(root, id);
  }
  const res = await fetch(`${base}/v1/comments?thread=${encodeURIComponent(key)}`, { headers: { origin: base } });
  const text = await res.text();
  const page = JSON.parse(text) as { thread: { commentCount: number }; comments: { replies: { replies: unknown[] }[] }[] };
  const nested = page.comments.reduce((n, c) => n + c.replies.length + c.replies.reduce((m, r) => m + r.replies.length, 0), 0);
  return {
    topLevel,
    replies,
    key,
    seconds: r1((Date.now() - t0) / 1000),
    firstPage: { topLevel: page.comments.length, replies: nested, commentCount: page.thread.commentCount, kb: r1(text.length / 1024) },
  };
}

/** The loader's static imports must resolve from where the page loads it. */
async function scriptImportsResolve(base: string, src: string) {
  const url = new URL(src, base);
  const res = await fetch(url);
  if (!res.ok) return { ok: false, why: `${url.pathname} → ${res.status}` };
  const code = await res.text();
  for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*)(["'])(\.{1,2}\/[^"']+)\1/g)) {
    const dep = new URL(m[2], url);
    const r = await fetch(dep);
    if (!r.ok) return { ok: false, why: `${url.pathname} imports ${m[2]} → ${dep.pathname} answers ${r.status}` };
  }
  return { ok: true, why: '' };
}

async function calibrate(context: BrowserContext, url: string, rate: number) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const spin = () =>
    page.evaluate(() => {
      const t = performance.now();
      let x = 0;
      for (let i = 0; i < 3e7; i++) x = (x + i * 7) % 1000003;
      return [performance.now() - t, x][0];
    });
  await page.goto(url);
  await spin();
  const unthrottled = Math.min(await spin(), await spin());
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  // Rate set before a navigation must survive it (that is how the iterations apply it).
  await page.goto(url + '?again');
  const throttled = Math.min(await spin(), await spin());
  await page.close();
  return { unthrottledMs: r1(unthrottled), throttledMs: r1(throttled), ratio: r1(throttled / unthrottled) };
}

interface NetLog {
  rows: Map<string, RequestRow & { ts: number }>;
  docTs: number | null;
}

function trackNetwork(cdp: CDPSession, origin: string): NetLog {
  const log: NetLog = { rows: new Map(), docTs: null };
  const rel = (ts: number) => r1((ts - (log.docTs ?? ts)) * 1000);
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.request.url.startsWith('data:')) return;
    if (e.type === 'Document' && log.docTs === null) log.docTs = e.timestamp;
    const u = new URL(e.request.url);
    const ours = u.origin === origin;
    const kind: RequestRow['kind'] =
      e.type === 'Document' ? 'document' : ours && u.pathname.startsWith('/v1/') ? 'data' : ours && e.type === 'Script' ? 'script' : 'other';
    const init = e.initiator;
    const initiator = init.url ?? init.stack?.callFrames?.[0]?.url ?? init.stack?.parent?.callFrames?.[0]?.url ?? init.type;
    log.rows.set(e.requestId, {
      id: e.requestId,
      url: e.request.url,
      path: ours ? u.pathname + u.search.replace(/participant=[^&]+/, 'participant=…') : e.request.url,
      kind,
      type: e.type ?? '?',
      method: e.request.method,
      ts: e.timestamp,
      start: 0,
      response: null,
      end: null,
      status: null,
      initiator: initiator ? String(initiator).replace(origin, '') : undefined,
      phase: 'load',
    });
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = log.rows.get(e.requestId);
    if (r) Object.assign(r, { response: rel(e.timestamp), status: e.response.status });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = log.rows.get(e.requestId);
    if (r) r.end = rel(e.timestamp);
  });
  cdp.on('Network.loadingFailed', (e) => {
    const r = log.rows.get(e.requestId);
    if (r) Object.assign(r, { failed: e.canceled ? 'canceled' : e.errorText, end: r.type === 'EventSource' ? r.end : rel(e.timestamp) });
  });
  return log;
}

type Bench = {
  longtasks: { start: number; duration: number; attribution: string }[];
  loafs: { start: number; duration: number; scripts: { source: string; fn: string; invoker: string; ms: number }[] }[];
  shifts: { at: number; value: number; recentInput: boolean; sources: string[] }[];
  events: { name: string; start: number; duration: number; interactionId?: number }[];
  frames: { t: number; state: string }[];
  resizes: { t: number; h: number }[];
  definedAt: number | null;
  skeletonAt: number | null;
  contentAt: number | null;
  contentItems: number | null;
  contentNodes: number | null;
  formReadyAt: number | null;
  thanksAt: number | null;
  clicks: { t: number; part: string }[];
  errors: string[];
  widgets: number;
};

/** The longest run of requests where each starts only after the previous one finished. */
function longestChain(rows: RequestRow[]): RequestRow[] {
  const depth = new Map<string, { d: number; prev?: RequestRow }>();
  for (const r of rows) {
    let best: { d: number; prev?: RequestRow } = { d: 1 };
    for (const p of rows) {
      const dp = depth.get(p.id);
      if (p !== r && dp && p.end !== null && p.end <= r.start && dp.d + 1 > best.d) best = { d: dp.d + 1, prev: p };
    }
    depth.set(r.id, best);
  }
  const deepest = [...rows].sort((a, c) => depth.get(c.id)!.d - depth.get(a.id)!.d || a.start - c.start)[0];
  const chain: RequestRow[] = [];
  for (let r: RequestRow | undefined = deepest; r; r = depth.get(r.id)!.prev) chain.unshift(r);
  return chain;
}

/** One cold load, and the vote when the scenario has one. */
async function iteration(browser: Browser, url: string, origin: string, rate: number, quietMs: number, scenario: Scenario, onContext?: (page: Page) => Promise<void>): Promise<{ it: Iteration; page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  const net = trackNetwork(cdp, origin);
  // tsx (esbuild keepNames) wraps named functions in __name(): give the page a no-op one.
  await page.addInitScript({ content: `globalThis.__name ??= (f) => f;\n(${instrument.toString()})(${JSON.stringify(probe(scenario))});` });
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await onContext?.(page);

  await page.goto(url, { waitUntil: 'commit' });
  const evaluate = async <T>(expression: string, timeoutMs = 30_000): Promise<T> => {
    const res = await Promise.race([
      cdp.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }),
      new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms: ${expression}`)), timeoutMs)),
    ]);
    if (res.exceptionDetails) throw new Error(`${expression}: ${res.exceptionDetails.exception?.description ?? res.exceptionDetails.text}`);
    return res.result.value as T;
  };
  const click = async (part: string) => {
    const at = await evaluate<{ x: number; y: number } | null>(`__bench.point(${JSON.stringify(part)})`);
    if (!at) throw new Error(`no [part=${part}] in the ${scenario.tag}`);
    await cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', ...at });
    await cdp.send('Input.dispatchMouseEvent', { type: 'mousePressed', button: 'left', clickCount: 1, ...at });
    await cdp.send('Input.dispatchMouseEvent', { type: 'mouseReleased', button: 'left', clickCount: 1, ...at });
  };
  // Right after the commit the new document's context may not be the default one yet: retry briefly.
  for (let i = 0; i < 50; i++) {
    const ok = await evaluate<boolean>(`typeof __bench === 'object'`).catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await evaluate(`__bench.until('contentAt')`).catch(async (e) => {
    throw new Error(`the ${scenario.tag} never showed its content: ${e.message}; page errors: ${consoleErrors.join(' | ') || 'none'}`);
  });
  // Interactive: content is there and the main thread has had no long task for quietMs.
  const quiet = await evaluate<{ reached: boolean; lastEnd: number }>(`__bench.quiet(${quietMs}, ${QUIET_CAP_MS})`, QUIET_CAP_MS + 10_000);

  if (scenario.done) {
    // The vote, with real input events: pick the first option, then press the vote button; done when "thanks" is drawn.
    const parts = scenario.clicks ?? ['option', 'submit'];
    for (const [i, part] of parts.entries()) {
      if (i) await new Promise((r) => setTimeout(r, 300));
      await click(part);
    }
    await evaluate(`__bench.until('thanksAt')`);
    // Let the post-vote refresh and the new live stream start.
    await new Promise((r) => setTimeout(r, 1500));
  }
  const b = await evaluate<Bench>(`JSON.parse(JSON.stringify(__bench))`);

  const contentAt = b.contentAt;
  const optionClick = b.clicks[0]?.t ?? null;
  const submitClick = b.clicks.at(-1)?.t ?? null;
  const voteStart = optionClick ?? Infinity;
  const phaseOf = (t: number): LongTask['phase'] => (t >= voteStart ? 'vote' : contentAt !== null && t >= contentAt ? 'settle' : 'load');

  const longTasks: LongTask[] = b.longtasks.map((l) => ({ start: r1(l.start), duration: r1(l.duration), phase: phaseOf(l.start), attribution: l.attribution }));
  const loafScripts = b.loafs.flatMap((f) =>
    f.scripts
      .filter((s) => s.ms >= 5)
      .map((s) => ({ source: (s.source || '(no url)').replace(origin, ''), invoker: String(s.invoker).replace(origin, ''), ms: r1(s.ms), phase: phaseOf(f.start) })),
  );

  // Layout shifts, by the widget resize laid out in the same frame (a ResizeObserver entry right after
  // the shift): 0 → skeleton height is the widget appearing, a resize while content shows after a
  // skeleton is skeleton → content; shifts with no widget resize are the host page's own.
  const stateAt = (t: number) => [...b.frames].reverse().find((f) => f.t <= t)?.state ?? 'none';
  const shifts = b.shifts.map((s) => {
    const j = b.resizes.findIndex((x) => x.t >= s.at && x.t - s.at < 50);
    const from = j > 0 ? b.resizes[j - 1].h : 0;
    const state = stateAt(s.at);
    const cause =
      s.at >= voteStart ? 'vote'
      : j < 0 ? 'host page'
      : from === 0 ? 'widget appears (→ skeleton)'
      : state === 'content' && b.contentAt !== null && s.at < b.contentAt + 1000 && b.resizes.slice(0, j).some((x) => x.t < b.contentAt!) ? 'skeleton → content'
      : 'widget resize later';
    return { at: r1(s.at), value: r4(s.value), state: cause, recentInput: s.recentInput, sources: s.sources, widget: j < 0 ? null : `${r1(from)} → ${r1(b.resizes[j].h)} px` };
  });
  const sumShift = (f: (s: (typeof shifts)[number]) => boolean) => r4(shifts.filter((s) => !s.recentInput && f(s)).reduce((n, s) => n + s.value, 0));
  const cls = {
    total: sumShift((s) => s.state !== 'vote'),
    appear: sumShift((s) => s.state === 'widget appears (→ skeleton)'),
    skeletonToContent: sumShift((s) => s.state === 'skeleton → content'),
    later: sumShift((s) => s.state === 'widget resize later'),
    host: sumShift((s) => s.state === 'host page'),
    vote: r4(shifts.filter((s) => s.state === 'vote').reduce((n, s) => n + s.value, 0)),
  };
  const heightIn = (from: number | null, to: number) => {
    if (from === null) return null;
    const hs = b.resizes.filter((x) => x.t >= from && x.t < to);
    return hs.length ? r1(hs.at(-1)!.h) : r1([...b.resizes].reverse().find((x) => x.t < from)?.h ?? NaN);
  };

  // Requests, relative to the document request; vote phase by the first click. The page clock starts at
  // navigation, a few ms before the document request, hence the margin (nothing is requested between
  // the quiet window and the click).
  const requests = [...net.rows.values()]
    .map(({ ts, ...r }) => ({ ...r, start: r1((ts - (net.docTs ?? ts)) * 1000) }))
    .map((r) => ({ ...r, phase: (r.start >= voteStart - 100 ? 'vote' : 'load') as RequestRow['phase'] }))
    .sort((a, c) => a.start - c.start);
  const ours = requests.filter((r) => r.kind !== 'other');
  const data = requests.filter((r) => r.kind === 'data');
  const loadData = data.filter((r) => r.phase === 'load');
  const voteData = data.filter((r) => r.phase === 'vote');
  // Longest chain of strictly sequential requests (each starts after the previous finished), load phase;
  // and the same among the requests that were done before the content was drawn (its critical path).
  const loadOurs = ours.filter((r) => r.phase === 'load');
  const chain = longestChain(loadOurs);
  const chainToContent = contentAt === null ? [] : longestChain(loadOurs.filter((r) => r.end !== null && r.end <= contentAt));
  const waterfalls: string[] = [];
  let waterfallsBeforeContent = 0;
  for (const phase of ['load', 'vote'] as const) {
    const ds = data.filter((r) => r.phase === phase);
    for (const r of ds) {
      const after = ds.filter((p) => p !== r && p.end !== null && p.end <= r.start).sort((a, c) => c.end! - a.end!)[0];
      if (after) {
        waterfalls.push(`${phase}: ${r.method} ${r.path} starts at ${r.start} ms, after ${after.method} ${after.path} finished at ${after.end} ms`);
        // On the way to the content: the dependent request itself finished before the content was drawn.
        if (phase === 'load' && contentAt !== null && r.end !== null && r.end <= contentAt) waterfallsBeforeContent++;
      }
    }
  }
  const firstData = data[0]?.start ?? Infinity;
  const scriptsAfterData = requests.filter((r) => r.kind === 'script' && r.start >= firstData).map((r) => `${r.path} at ${r.start} ms (first data request at ${firstData} ms)`);

  const blocking = longTasks.filter((l) => l.phase !== 'vote').reduce((n, l) => n + Math.max(0, l.duration - 50), 0);
  const voteEvents = b.events.filter((e) => e.start >= voteStart && e.interactionId);
  const it: Iteration = {
    definedAt: b.definedAt && r1(b.definedAt),
    skeletonAt: b.skeletonAt && r1(b.skeletonAt),
    contentAt: contentAt && r1(contentAt),
    interactiveAt: contentAt === null ? null : r1(Math.max(contentAt, b.formReadyAt ?? contentAt, quiet.lastEnd)),
    quietReached: quiet.reached,
    interactionAt: optionClick && r1(optionClick),
    voteClickAt: submitClick && r1(submitClick),
    thanksAt: b.thanksAt && r1(b.thanksAt),
    voteMs: submitClick !== null && b.thanksAt !== null ? r1(b.thanksAt - submitClick) : null,
    longestInteractionMs: voteEvents.length ? Math.max(...voteEvents.map((e) => e.duration)) : null,
    longTasks,
    longestTaskMs: longTasks.length ? Math.max(...longTasks.map((l) => l.duration)) : 0,
    tbtMs: r1(blocking),
    loafScripts,
    cls,
    shifts,
    heights: { skeleton: heightIn(b.skeletonAt, b.contentAt ?? Infinity), content: heightIn(b.contentAt, voteStart) },
    contentItems: b.contentItems,
    contentNodes: b.contentNodes,
    requests,
    widgets: b.widgets,
    dataRequestsLoad: loadData.length,
    dataRequestsVote: voteData.length,
    chainDepth: chain.filter((r) => r.kind !== 'document').length,
    chainDepthToContent: chainToContent.filter((r) => r.kind !== 'document').length,
    chain,
    waterfalls,
    waterfallsBeforeContent,
    scriptsAfterData,
    errors: [...b.errors, ...consoleErrors],
  };
  return { it, page, context };
}

// ---------------------------------------------------------------------------------------------
// Trace analysis: long main-thread tasks of the page's renderer, broken down by activity (from the
// timeline events) and by script URL (from the V8 CPU profile samples taken during the trace).
interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  id?: string;
  args?: { name?: string; data?: Record<string, any>; fileName?: string; [k: string]: unknown };
}
const ACTIVITY: [RegExp, string][] = [
  [/^(v8\.compile|V8\.(Parse|PreParse|Compile|CollectSourcePositions|FinalizeBaseline|DeserializeContext)|FlushInstructionCache|v8\.produce(Module)?Cache)/, 'compile'],
  [/GC|^BlinkGC|^V8\.GC|Sweep|Mark/, 'gc'],
  [/^(UpdateLayoutTree|RecalculateStyles|ParseAuthorStyleSheet|StyleRecalc|UpdateStyle|Document::UpdateStyle)/, 'style'],
  [/^(Layout|UpdateLayout|HitTest|LocalFrameView::UpdateLayout)/, 'layout'],
  [/^(Paint|PrePaint|Layerize|UpdateLayer|CompositeLayers|Commit|PaintImage|UpdateLayerTree)/, 'paint'],
  [/^(ParseHTML|HTMLDocumentParser|DecodedDataDocumentParser|DocumentLoader::(HandleData|CommitData))/, 'parse html'],
  [/^(DocumentLoader|LocalWindowProxy|NavigationBodyLoader|ContextCreatedNotification|InstallConditionalFeatures|RenderFrameImpl::CommitNavigation)/, 'navigation'],
  [/^(FunctionCall|EvaluateScript|v8\.evaluateModule|v8\.run|v8\.callFunction|v8\.newInstance|RunMicrotasks|BlinkScheduler_PerformMicrotaskCheckpoint|TimerFire|EventDispatch|FireAnimationFrame|XHRReadyStateChange|V8\.(Execute|StackGuard|HandleInterrupts|BytecodeBudgetInterrupt))/, 'script'],
];

interface Sample {
  ts: number;
  us: number;
  url: string;
  fn: string;
}
/** V8 CPU-profile samples of one renderer, each with the URL of its nearest frame that has one. */
function profileSamples(events: TraceEvent[], pid: number): Sample[] {
  const nodes = new Map<number, { url: string; fn: string; parent?: number }>();
  const raw: { ts: number; node: number }[] = [];
  let clock = 0;
  for (const e of events) {
    if (e.pid !== pid) continue;
    if (e.name === 'Profile') clock = e.args?.data?.startTime ?? e.ts;
    if (e.name !== 'ProfileChunk') continue;
    const p = e.args?.data?.cpuProfile ?? {};
    for (const n of p.nodes ?? []) nodes.set(n.id, { url: n.callFrame?.url ?? '', fn: n.callFrame?.functionName ?? '', parent: n.parent });
    const deltas: number[] = e.args?.data?.timeDeltas ?? [];
    (p.samples ?? []).forEach((id: number, i: number) => raw.push({ ts: (clock += deltas[i] ?? 0), node: id }));
  }
  raw.sort((a, b) => a.ts - b.ts);
  const urlOf = (id: number) => {
    for (let n = nodes.get(id), hops = 0; n && hops < 200; n = n.parent === undefined ? undefined : nodes.get(n.parent), hops++) if (n.url) return n.url;
    return '';
  };
  return raw.map((s, i) => ({
    ts: s.ts,
    us: Math.min((raw[i + 1]?.ts ?? s.ts) - s.ts, 2_000),
    url: urlOf(s.node),
    fn: nodes.get(s.node)?.fn ?? '',
  }));
}

export function analyzeTrace(events: TraceEvent[], origin: string, navTs: number | null, phaseOf: (ms: number) => string) {
  const mainThreads = new Set(
    events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const k = `${e.pid}:${e.tid}`;
    if (!mainThreads.has(k) || e.ph !== 'X' || !e.dur) continue;
    (byThread.get(k) ?? byThread.set(k, []).get(k)!).push(e);
  }
  // The page's renderer: the main thread that ran our scripts.
  let thread: TraceEvent[] = [];
  for (const evs of byThread.values()) if (evs.some((e) => String(e.args?.data?.url ?? e.args?.fileName ?? '').startsWith(origin))) thread = evs;
  thread.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const pid = thread[0]?.pid ?? -1;
  const nav = navTs ?? thread[0]?.ts ?? 0;
  const samples = profileSamples(events, pid);
  const label = (url: string) => (url.startsWith(origin) ? url.slice(origin.length) : url === '' ? '(no url: bench instrumentation, browser internals)' : url.startsWith('pptr:') || url.startsWith('__playwright') ? '(playwright)' : url);
  // A task is DevTools' "RunTask" (devtools.timeline): it also wraps work whose toplevel event is not a
  // ThreadControllerImpl::RunTask, such as a microtask checkpoint after a fetch resolved (where a widget
  // draws its content). Traces without it: the toplevel RunTask events.
  const devtoolsTask = (e: TraceEvent) => e.name === 'RunTask' && /devtools\.timeline/.test(e.cat);
  const isTop = thread.some(devtoolsTask) ? devtoolsTask : (e: TraceEvent) => /(^|,)toplevel(,|$)/.test(e.cat) && /RunTask/.test(e.name);
  const tops = thread.filter((e) => isTop(e) && e.dur! > 50_000 && e.ts + e.dur! > nav);
  const tasks: TraceTask[] = [];
  const byScript = new Map<string, number>();
  const byActivity = new Map<string, number>();
  for (const top of tops) {
    const end = top.ts + top.dur!;
    // (The toplevel wrapper inside a DevTools task is left out: time nothing else covers stays "untraced".)
    const inside = thread.filter((e) => e !== top && e.name !== 'ThreadControllerImpl::RunTask' && e.ts >= top.ts && e.ts + e.dur! <= end);
    // Self time per activity via a stack (events sorted by start, longer first).
    const stack: { e: TraceEvent; child: number; act: string }[] = [];
    const acts = new Map<string, number>();
    const flush = (n: { e: TraceEvent; child: number; act: string }) => {
      const self = n.e.dur! - n.child;
      if (self > 0) acts.set(n.act, (acts.get(n.act) ?? 0) + self);
    };
    let covered = 0;
    for (const e of inside) {
      while (stack.length && stack.at(-1)!.e.ts + stack.at(-1)!.e.dur! <= e.ts) flush(stack.pop()!);
      const parent = stack.at(-1);
      if (parent) parent.child += e.dur!;
      else covered += e.dur!;
      stack.push({ e, child: 0, act: ACTIVITY.find(([re]) => re.test(e.name))?.[1] ?? parent?.act ?? 'other' });
    }
    while (stack.length) flush(stack.pop()!);
    if (top.dur! - covered > 0) acts.set('untraced', (acts.get('untraced') ?? 0) + top.dur! - covered);
    // JavaScript time by script URL from the profile samples inside the task.
    const js = new Map<string, number>();
    for (const s of samples) {
      if (s.ts < top.ts || s.ts >= end || ['(idle)', '(program)', '(root)'].includes(s.fn)) continue;
      const key = s.fn === '(garbage collector)' ? '(garbage collector)' : label(s.url);
      js.set(key, (js.get(key) ?? 0) + s.us);
    }
    const ms = (m: Map<string, number>) => [...m.entries()].map(([what, us]) => ({ what, ms: r1(us / 1000) })).filter((p) => p.ms >= 0.5).sort((a, b) => b.ms - a.ms);
    const breakdown = ms(acts);
    const scripts = ms(js);
    for (const p of breakdown) byActivity.set(p.what, (byActivity.get(p.what) ?? 0) + p.ms);
    for (const p of scripts) byScript.set(p.what, (byScript.get(p.what) ?? 0) + p.ms);
    const start = r1((top.ts - nav) / 1000);
    tasks.push({ start, duration: r1(top.dur! / 1000), phase: phaseOf(start), breakdown, scripts });
  }
  const sorted = (m: Map<string, number>) => [...m.entries()].map(([what, ms]) => ({ what, ms: r1(ms) })).sort((a, b) => b.ms - a.ms);
  return { tasks, byScript: sorted(byScript), byActivity: sorted(byActivity), samples: samples.length };
}

async function tracedPass(browser: Browser, url: string, origin: string, rate: number, scenario: Scenario) {
  let tracing = false;
  const { it, context } = await iteration(browser, url, origin, rate, 1_000, scenario, async (p) => {
    await browser.startTracing(p, {
      categories: [
        'toplevel',
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'v8.execute',
        'v8',
        'disabled-by-default-v8.compile',
        'disabled-by-default-v8.cpu_profiler',
        'blink.user_timing',
        'loading',
      ],
    });
    tracing = true;
  });
  const buf = tracing ? await browser.stopTracing() : Buffer.from('{"traceEvents":[]}');
  if (process.env.BENCH_TRACE_OUT) writeFileSync(process.env.BENCH_TRACE_OUT, buf);
  await context.close();
  const json = JSON.parse(buf.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(json) ? json : json.traceEvents;
  const doc = events.find((e) => e.name === 'ResourceSendRequest' && String(e.args?.data?.url ?? '') === url);
  const voteStart = it.interactionAt ?? Infinity;
  const phaseOf = (ms: number) => (ms >= voteStart ? 'vote' : it.contentAt !== null && ms >= it.contentAt ? 'settle' : 'load');
  return { ...analyzeTrace(events, origin, doc?.ts ?? null, phaseOf), iteration: { contentAt: it.contentAt, longestTaskMs: it.longestTaskMs } };
}
// ---------------------------------------------------------------------------------------------
export interface RenderOptions {
  /** The widget measured (default poll): each has its own bench page; comments seeds a thread first. */
  widget?: WidgetName;
  /** The comments scenario's thread (default 36 top-level comments, 40 replies). */
  comments?: CommentSeed;
  iterations?: number;
  throttle?: number;
  /** bench: a plain article with one poll (default); demo: the demo site's front page (two polls). */
  page?: 'bench' | 'demo';
  /** The bench page's <html lang>: anything but en also loads a lazy translation chunk. */
  lang?: string;
  trace?: boolean;
  log?: (s: string) => void;
}
export async function runRender(opts: RenderOptions = {}): Promise<RenderResult> {
  const { widget = 'poll', iterations = 5, throttle = 4, page: pageName = 'bench', lang = 'en', trace = true, log = (s) => process.stderr.write(s + '\n') } = opts;
  const scenario = SCENARIOS[widget];
  if (pageName === 'demo' && widget !== 'poll') throw new Error('--page demo measures the demo front page (polls); use the bench page for other widgets');
  const langs = [...new Set(['en', lang])];
  const warnings: string[] = [];
  const loadBefore = loadavg()[0];
  const [port, ngoPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'civic-bench-data-'));
  const cdnDir = await snapshotCdn();
  // Which script tag the page uses: /civic.js (the documented one) when its chunks resolve, else /cdn/civic.js.
  let scriptSrc = '/civic.js';
  let demoDir = makeDemoDir(scriptSrc, langs);
  let server: SpawnedServer | undefined;
  let browser: Browser | undefined;
  const start = async () =>
    spawnServer({
      port,
      env: {
        DATA_DIR: dataDir, CDN_DIR: cdnDir, DEMO: '1', SEED: '1', DEMO_NGO_PORT: String(ngoPort), DEMO_DIR: demoDir, ADMIN_TOKEN, LOG_LEVEL: 'warn',
        // The comment seed posts ~80 comments from one address in a second (the default allows 20 a minute).
        ...(widget === 'comments' ? { RATE_LIMIT_COMMENT_IP_PER_MIN: '100000', RATE_LIMIT_PARTICIPANT_PER_MIN: '100000', RATE_LIMIT_IP_PER_MIN: '100000' } : {}),
      },
    });
  try {
    server = await start();
    const check = await scriptImportsResolve(server.url, scriptSrc);
    if (!check.ok) {
      log(`WARNING: /civic.js does not load here (${check.why}); using /cdn/civic.js`);
      warnings.push(`BUG: the documented script tag /civic.js does not work: ${check.why}. Measured with /cdn/civic.js instead.`);
      if (pageName === 'demo') warnings.push('the demo page uses /civic.js, so its widgets cannot load; use --page bench');
      scriptSrc = '/cdn/civic.js';
      rmSync(demoDir, { recursive: true, force: true });
      demoDir = makeDemoDir(scriptSrc, langs);
      await server.stop();
      server = await start();
      const again = await scriptImportsResolve(server.url, scriptSrc);
      if (!again.ok) throw new Error(`neither /civic.js nor /cdn/civic.js loads: ${again.why}`);
    }
    const url = `${server.url}/${pageName === 'demo' ? '' : benchPage(scenario, lang)}`;
    let seeded: CommentSeedResult | null = null;
    if (widget === 'comments') {
      seeded = await seedComments(server.url, opts.comments ?? { topLevel: 36, replies: 40 });
      log(`seeded ${seeded.topLevel} top-level comments and ${seeded.replies} replies in ${seeded.seconds} s; the first page holds ${seeded.firstPage.topLevel} top-level + ${seeded.firstPage.replies} replies (${seeded.firstPage.kb} KB JSON)`);
    }
    browser = await chromium.launch({ executablePath: ensureChromium(), args: chromiumArgs });
    log(`render bench: ${browser.version()} against ${url}, CPU ×${throttle}, ${iterations} iterations${trace ? ' + 1 traced pass' : ''}`);

    const calCtx = await browser.newContext();
    const calibration = await calibrate(calCtx, `${server.url}/${benchPage(SCENARIOS.poll, 'en')}`, throttle).catch((e) => {
      warnings.push(`calibration failed: ${e}`);
      return null;
    });
    await calCtx.close();
    if (calibration && calibration.ratio < throttle * 0.6)
      warnings.push(`CPU throttling looks ineffective: a busy loop ran only ×${calibration.ratio} slower at rate ${throttle}`);

    const its: Iteration[] = [];
    for (let i = 0; i < iterations; i++) {
      const { it, context } = await iteration(browser, url, server.url, throttle, QUIET_MS, scenario);
      await context.close();
      its.push(it);
      log(`  #${i + 1}: content ${it.contentAt} ms, interactive ${it.interactiveAt} ms, longest task ${it.longestTaskMs} ms, TBT ${it.tbtMs} ms, CLS ${it.cls.total}, data requests ${it.dataRequestsLoad}+${it.dataRequestsVote}${scenario.done ? `, vote ${it.voteMs} ms` : `, ${it.contentItems} × ${scenario.content} (${it.contentNodes} elements)`}`);
      for (const e of it.errors) warnings.push(`iteration ${i + 1}: page error: ${e}`);
    }
    let traced: RenderResult['trace'] = null;
    if (trace) {
      traced = await tracedPass(browser, url, server.url, throttle, scenario).catch((e) => {
        warnings.push(`traced pass failed: ${e}`);
        return null;
      });
    }

    const phaseTasks = (it: Iteration, p: LongTask['phase']) => it.longTasks.filter((l) => l.phase === p);
    const summary: Record<string, Stat> = {
      definedMs: stat(its.map((i) => i.definedAt)),
      skeletonMs: stat(its.map((i) => i.skeletonAt)),
      contentMs: stat(its.map((i) => i.contentAt)),
      interactiveMs: stat(its.map((i) => i.interactiveAt)),
      longestTaskMs: stat(its.map((i) => i.longestTaskMs)),
      longTasksLoad: stat(its.map((i) => phaseTasks(i, 'load').length)),
      longTasksSettle: stat(its.map((i) => phaseTasks(i, 'settle').length)),
      longTasksVote: stat(its.map((i) => phaseTasks(i, 'vote').length)),
      longestLoadTaskMs: stat(its.map((i) => Math.max(0, ...phaseTasks(i, 'load').map((l) => l.duration)))),
      longestVoteTaskMs: stat(its.map((i) => Math.max(0, ...phaseTasks(i, 'vote').map((l) => l.duration)))),
      tbtMs: stat(its.map((i) => i.tbtMs)),
      voteMs: stat(its.map((i) => i.voteMs)),
      longestInteractionMs: stat(its.map((i) => i.longestInteractionMs)),
      clsTotal: stat(its.map((i) => i.cls.total)),
      clsAppear: stat(its.map((i) => i.cls.appear)),
      clsSkeletonToContent: stat(its.map((i) => i.cls.skeletonToContent)),
      clsOther: stat(its.map((i) => r4(i.cls.later + i.cls.host))),
      skeletonHeightPx: stat(its.map((i) => i.heights.skeleton)),
      contentHeightPx: stat(its.map((i) => i.heights.content)),
      dataRequestsPerWidgetLoad: stat(its.map((i) => i.dataRequestsLoad / Math.max(1, i.widgets))),
      dataRequestsPerWidgetVote: stat(its.map((i) => i.dataRequestsVote / Math.max(1, i.widgets))),
      chainDepthToContent: stat(its.map((i) => i.chainDepthToContent)),
      chainDepth: stat(its.map((i) => i.chainDepth)),
      waterfallsBeforeContent: stat(its.map((i) => i.waterfallsBeforeContent)),
      waterfallsTotal: stat(its.map((i) => i.waterfalls.length)),
      scriptsAfterData: stat(its.map((i) => i.scriptsAfterData.length)),
    };
    if (!scenario.done) {
      // Nothing is clicked: no vote numbers; what was drawn at once instead.
      for (const k of ['longTasksVote', 'longestVoteTaskMs', 'voteMs', 'longestInteractionMs', 'dataRequestsPerWidgetVote']) delete summary[k];
      summary.contentItems = stat(its.map((i) => i.contentItems));
      summary.contentNodes = stat(its.map((i) => i.contentNodes));
    }
    const load = { before: r1(loadBefore), after: r1(loadavg()[0]), cpus: availableParallelism() };
    if (Math.max(load.before, load.after) > load.cpus)
      warnings.push(`the machine was busy (load average ${load.before} → ${load.after} on ${load.cpus} CPUs): timings are inflated and noisy`);
    return { widget, seeded, browserVersion: browser.version(), page: url.replace(server.url, ''), scriptSrc, throttle, viewport: VIEWPORT, calibration, load, iterations: its, summary, trace: traced, warnings: [...new Set(warnings)] };
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(demoDir, { recursive: true, force: true });
    rmSync(cdnDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
const fmt = (v: number | null, unit = '') => (v === null ? '—' : `${Number.isInteger(v) ? v : Number(v.toFixed(Math.abs(v) < 1 ? 4 : 1))}${unit}`);

export function printRender(r: RenderResult) {
  const s = r.summary;
  const sc = SCENARIOS[r.widget];
  // Rows the scenario does not have (no vote in the comments scenario) are left out.
  const row = (label: string, st: Stat | undefined, unit = '') =>
    st && console.log(`${label.padEnd(46)}${fmt(st.median, unit).padStart(12)}${fmt(st.worst, unit).padStart(12)}   [${st.values.map((v) => fmt(v)).join(', ')}]`);
  console.log(`\n## Render ${r.widget} — ${r.page} (script ${r.scriptSrc}), CPU ×${r.throttle}, viewport ${r.viewport.width}×${r.viewport.height}, ${r.iterations.length} cold iterations`);
  console.log(`machine load average ${r.load.before} → ${r.load.after} on ${r.load.cpus} CPUs`);
  if (r.seeded)
    console.log(`thread: ${r.seeded.topLevel} top-level comments + ${r.seeded.replies} replies (public API); first page: ${r.seeded.firstPage.topLevel} top-level + ${r.seeded.firstPage.replies} replies, ${r.seeded.firstPage.kb} KB JSON`);
  if (r.calibration) console.log(`CPU throttling check: busy loop ${r.calibration.unthrottledMs} ms → ${r.calibration.throttledMs} ms (×${r.calibration.ratio})`);
  console.log(''.padEnd(46) + 'median'.padStart(12) + 'worst'.padStart(12) + '   [per iteration]');
  console.log('(c) timing since navigation');
  row(`  <${sc.tag}> defined`, s.definedMs, ' ms');
  row('  skeleton drawn', s.skeletonMs, ' ms');
  row(`  content drawn (${sc.content})`, s.contentMs, ' ms');
  row('  interactive (5 s quiet window after content)', s.interactiveMs, ' ms');
  console.log('(a) long tasks (>50 ms)');
  row('  longest task', s.longestTaskMs, ' ms');
  row('  count during load (nav → content)', s.longTasksLoad);
  row('  count after content, before the vote', s.longTasksSettle);
  row('  count during the vote', s.longTasksVote);
  row('  longest during load', s.longestLoadTaskMs, ' ms');
  row('  longest during the vote', s.longestVoteTaskMs, ' ms');
  row('  total blocking time (before the vote)', s.tbtMs, ' ms');
  row('  vote: click → "thanks" drawn', s.voteMs, ' ms');
  row('  vote: longest interaction (Event Timing)', s.longestInteractionMs, ' ms');
  console.log('(b) requests');
  row('  data requests per widget, load', s.dataRequestsPerWidgetLoad);
  row('  data requests per widget, vote', s.dataRequestsPerWidgetVote);
  row('  chain depth to content (loader → … → data)', s.chainDepthToContent);
  row('  chain depth incl. the live stream', s.chainDepth);
  row('  waterfalls delaying content', s.waterfallsBeforeContent);
  row('  waterfalls, all (data after data)', s.waterfallsTotal);
  row('  script chunks requested after data', s.scriptsAfterData);
  console.log('(d) layout shift (CLS, no recent input)');
  row('  CLS total, load', s.clsTotal);
  row('  CLS widget appears (nothing → skeleton)', s.clsAppear);
  row('  CLS skeleton → content', s.clsSkeletonToContent);
  row('  CLS other (host page, later widget resizes)', s.clsOther);
  row('  widget height: skeleton', s.skeletonHeightPx, ' px');
  row('  widget height: content', s.contentHeightPx, ' px');
  if (s.contentItems) console.log('(e) drawn in the first content render');
  row(`  ${sc.content} elements`, s.contentItems);
  row('  elements in the shadow DOM', s.contentNodes);

  // The median iteration (by content time) in detail.
  const order = [...r.iterations].sort((a, b) => (a.contentAt ?? 0) - (b.contentAt ?? 0));
  const it = order[order.length >> 1];
  if (it) {
    console.log(`\nrequest chain of the median iteration (ms since the document request; * = on the longest sequential chain)`);
    console.log('   start      end  phase  kind     type         status  request');
    for (const q of it.requests.filter((x) => x.kind !== 'other')) {
      const on = it.chain.some((c) => c.id === q.id) ? '*' : ' ';
      const end = q.end === null ? (q.type === 'EventSource' ? 'open' : '—') : String(q.end);
      console.log(`${on}${String(q.start).padStart(7)}${end.padStart(9)}  ${q.phase.padEnd(5)}  ${q.kind.padEnd(7)}  ${q.type.padEnd(11)}  ${String(q.status ?? '').padStart(6)}  ${q.method} ${q.path}${q.failed ? ` (${q.failed})` : ''}${q.initiator ? `  ← ${q.initiator}` : ''}`);
    }
    console.log(`chain: ${it.chain.map((c) => c.path.replace(/\?.*/, '')).join(' → ')}`);
    for (const w of it.waterfalls) console.log(`waterfall: ${w}`);
    for (const w of it.scriptsAfterData) console.log(`script after data: ${w}`);
    console.log(`long tasks (PerformanceObserver): ${it.longTasks.map((l) => `${l.phase} @${l.start} ${l.duration} ms (${l.attribution})`).join('; ') || 'none'}`);
    const loaf = new Map<string, number>();
    for (const x of r.iterations.flatMap((i) => i.loafScripts)) loaf.set(`${x.phase}: ${x.source} ${x.invoker}`, (loaf.get(`${x.phase}: ${x.source} ${x.invoker}`) ?? 0) + x.ms);
    const loafTop = [...loaf.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
    if (loafTop.length) console.log('script time in long animation frames, all iterations (LoAF):\n' + loafTop.map(([k, ms]) => `  ${(ms / r.iterations.length).toFixed(1).padStart(7)} ms/iteration  ${k}`).join('\n'));
    const shifts = it.shifts.filter((x) => x.value > 0.0005);
    if (shifts.length) console.log('layout shifts:\n' + shifts.map((x) => `  @${x.at} ms  ${x.value}  ${x.state}${x.widget ? ` (widget ${x.widget})` : ''}${x.recentInput ? ', after input (not in CLS)' : ''}; moved ${x.sources.slice(0, 4).join(', ')}`).join('\n'));
  }
  if (r.trace) {
    console.log(`\ntraced pass (CDP Tracing + V8 CPU profile, ${r.trace.samples} samples; same flow, not in the medians; content at ${r.trace.iteration.contentAt} ms):`);
    console.log('long tasks: activity self time (untraced = throttle pauses / waiting for a CPU) | JavaScript by script URL (profile samples)');
    for (const t of r.trace.tasks)
      console.log(`  @${t.start} ms ${t.phase.padEnd(6)} ${String(t.duration).padStart(6)} ms: ${t.breakdown.slice(0, 5).map((p) => `${p.what} ${p.ms}`).join(', ')} | ${t.scripts.slice(0, 4).map((p) => `${p.what} ${p.ms}`).join(', ') || '—'}`);
    if (r.trace.byActivity.length) console.log('  all long tasks by activity: ' + r.trace.byActivity.map((p) => `${p.what} ${p.ms} ms`).join(', '));
    if (r.trace.byScript.length) console.log('  all long tasks, JavaScript by URL: ' + r.trace.byScript.slice(0, 8).map((p) => `${p.what} ${p.ms} ms`).join(', '));
  }
  for (const w of r.warnings) console.log(`WARNING: ${w}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const val = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  try {
    const widget = val('--widget') ?? 'poll';
    if (!(widget in SCENARIOS)) throw new Error(`--widget ${widget}: one of ${Object.keys(SCENARIOS).join(', ')}`);
    const r = await runRender({
      widget: widget as WidgetName,
      comments: { topLevel: Number(val('--comments') ?? 36), replies: Number(val('--replies') ?? 40) },
      iterations: Number(val('--iterations') ?? 5),
      throttle: Number(val('--throttle') ?? 4),
      page: val('--page') === 'demo' ? 'demo' : 'bench',
      lang: val('--lang') ?? 'en',
      trace: !args.includes('--no-trace'),
    });
    printRender(r);
    const out = val('--json');
    if (out) writeFileSync(out, JSON.stringify(r, null, 2));
  } catch (err) {
    console.error(`render bench failed: ${(err as Error).stack ?? err}`);
    process.exit(1);
  }
}
