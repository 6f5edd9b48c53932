// `npm run prove`: the reliability and security proofs of issue 7 at full size (PROVE_FULL=1), with
// a figure table at the end: per suite what was tried and what held. Tests report their figures
// with a TAP diagnostic line `# PROVE {"suite":…,"tried":…,"held":…}` (t.diagnostic), collected
// here; a suite that fails is listed with its failure count whatever its figures say.
//   npm run prove                      every suite
//   npm run prove -- --only fuzz,pg    suites whose name contains one of the words
//   npm run prove -- --markdown        the table as Markdown too (for docs/reliability.md)
//   npm run prove -- --short           the short versions that `npm test` runs (PROVE_FULL unset),
//                                      timed: the target is under 3 minutes of test time in all
// A suite is an entry of SUITES; a new proof is added the same way.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);

const tap = (files) => ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-concurrency=1', ...files];
const onPostgres = (args) => ['scripts/pg.mjs', '--', 'node', ...args];

/** name, command and arguments, environment (PROVE_FULL=1 is added to every one). */
// Server suites run under scripts/pg.mjs: with DATABASE_URL set, forEachDb runs each on SQLite and PostgreSQL.
const SUITES = [
  { name: 'durability', cmd: 'node', args: onPostgres(tap(['test/server/crash-durability.test.ts', 'test/server/durability.test.ts'])) },
  { name: 'hostile input', cmd: 'node', args: onPostgres(tap(['test/server/fuzz.test.ts', 'test/server/hostile-origins.test.ts', 'test/server/ballot-stuffing.test.ts'])) },
  // 10 minutes per database at full size.
  { name: 'soak', cmd: 'node', args: onPostgres(tap(['test/server/soak.test.ts'])) },
  { name: 'two nodes', cmd: 'node', args: onPostgres(tap(['test/server/two-nodes.test.ts'])) },
  // End to end in Chromium against the built bundles (dist/cdn, dist/admin: `npm run build` first).
  { name: 'xss', cmd: 'node', args: tap(['test/e2e/xss.test.ts']) },
  { name: 'strict csp', cmd: 'node', args: tap(['test/e2e/strict-csp.test.ts']) },
  { name: 'host pages', cmd: 'node', args: tap(['test/e2e/host-pages.test.ts']) },
  { name: 'outages', cmd: 'node', args: tap(['test/e2e/outages.test.ts', 'test/e2e/offline-queue.test.ts']) }
];

const argv = process.argv.slice(2);
const onlyArg = argv.find((a, i) => argv[i - 1] === '--only' || a.startsWith('--only='));
const only = onlyArg ? onlyArg.replace(/^--only=/, '').split(',').filter(Boolean) : null;
const markdown = argv.includes('--markdown');
const short = argv.includes('--short');
const picked = SUITES.filter((s) => !only || only.some((w) => s.name.toLowerCase().includes(w.toLowerCase())));
if (!picked.length) {
  console.error(`no suite matches --only ${only}; suites: ${SUITES.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

let current;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (current) try { process.kill(-current.pid, 'SIGKILL'); } catch { /* gone */ }
    process.exit(130);
  });
}

function run({ cmd, args, env = process.env }) {
  return new Promise((resolve) => {
    const { PROVE_FULL: _full, ...shortEnv } = env;
    const child = spawn(cmd, args, { env: short ? shortEnv : { ...env, PROVE_FULL: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    current = child;
    let out = '';
    child.stdout.on('data', (d) => { process.stdout.write(d); out += d; });
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('error', (err) => resolve({ code: 127, out: `${out}\n${err.message}` }));
    child.on('close', (code, signal) => { current = undefined; resolve({ code: code ?? (signal ? 128 : 1), out }); });
  });
}

const last = (out, re) => { const all = [...out.matchAll(re)]; return all.length ? Number(all.at(-1)[1]) : undefined; };
/** Seconds spent in the top-level tests of a TAP output (each database's run of a server file is one): file set-up (browser, server start) is not in it. */
const testSeconds = (out) => [...out.matchAll(/^(?:not )?ok \d+ - .*\n(?: {2}---\n)? {2}duration_ms: ([\d.]+)$/gm)].reduce((n, m) => n + Number(m[1]), 0) / 1000;
const rows = [];
const summary = [];
const started = Date.now();
for (const suite of picked) {
  console.log(`\n━━━ prove: ${suite.name} ━━━`);
  const t0 = performance.now();
  const { code, out } = await run(suite);
  const seconds = (performance.now() - t0) / 1000;
  const passed = last(out, /^# pass (\d+)$/gm) ?? 0;
  const failed = (last(out, /^# fail (\d+)$/gm) ?? 0) + (last(out, /^# cancelled (\d+)$/gm) ?? 0) + (code !== 0 && !last(out, /^# fail (\d+)$/gm) ? 1 : 0);
  for (const m of out.matchAll(/^\s*# PROVE (\{.*\})\s*$/gm)) {
    try { const r = JSON.parse(m[1]); rows.push({ suite: String(r.suite), tried: String(r.tried), held: String(r.held) }); } catch { console.error(`prove: a malformed PROVE line (a test bug; TAP escapes backslashes, so no \\" in figures): ${m[1].slice(0, 120)}`); }
  }
  summary.push({ name: suite.name, passed, failed, seconds, tests: testSeconds(out) });
}

const pad = (v, n) => String(v).padEnd(n);
const w = [Math.max(5, ...rows.map((r) => r.suite.length)) + 2, Math.max(5, ...rows.map((r) => r.tried.length)) + 2];
console.log(`\n${pad('suite', w[0])}${pad('tried', w[1])}held`);
for (const r of rows) console.log(`${pad(r.suite, w[0])}${pad(r.tried, w[1])}${r.held}`);
console.log('');
for (const s of summary) console.log(`${pad(s.name, 30)}${s.passed} passed, ${s.failed} failed (${s.seconds.toFixed(0)} s; tests ${s.tests.toFixed(1)} s)`);
const failed = summary.reduce((n, s) => n + s.failed, 0);
const sum = (k) => summary.reduce((n, s) => n + s[k], 0);
if (short) console.log(`short runs: ${sum('tests').toFixed(0)} s of tests in all (target: under 180 s; set-up included: ${sum('seconds').toFixed(0)} s)`);
if (markdown) {
  const cpu = os.cpus();
  console.log(`\n${new Date(started).toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`);
  console.log('\n| suite | tried | held |\n|---|---|---|');
  for (const r of rows) console.log(`| ${r.suite} | ${r.tried} | ${r.held} |`);
}
console.log(`${summary.reduce((n, s) => n + s.passed, 0)} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
