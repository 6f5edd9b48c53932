// THE test command (`npm test`): installs what the suites need (Chromium, PostgreSQL), then
// typecheck, build, server tests on SQLite and PostgreSQL, widget tests, e2e tests.
// Child output streams through; the counts are parsed, tabled, and summed into a last line
// `N passed, N failed`. A step that fails, or a suite that crashes or runs no test, counts as
// one failure. Developers: `npm test -- --only server|widgets|e2e|typecheck|build` (repeatable
// or comma-separated; `server-sqlite` and `server-pg` pick one database).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);

const ALL = ['typecheck', 'build', 'server-sqlite', 'server-pg', 'widgets', 'e2e'];
const only = parseOnly(process.argv.slice(2));
const wanted = (name) => only.has(name);

function parseOnly(argv) {
  const picked = [];
  argv.forEach((arg, i) => {
    if (arg === '--only') picked.push(argv[i + 1] ?? '');
    else if (arg.startsWith('--only=')) picked.push(arg.slice('--only='.length));
  });
  if (!picked.length) return new Set(ALL);
  const names = picked.flatMap((p) => p.split(',')).flatMap((n) => (n === 'server' ? ['server-sqlite', 'server-pg'] : [n]));
  const unknown = names.filter((n) => !ALL.includes(n));
  if (unknown.length) {
    console.error(`unknown --only ${unknown.join(', ')}; choose from server, ${ALL.join(', ')}`);
    process.exit(2);
  }
  return new Set(names);
}

const testFiles = (dir) =>
  existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `${dir}/${f}`) : [];

/** Runs a command, streaming its output, and resolves with its exit code and stdout. */
let current; // the running child, killed on Ctrl-C
function run(cmd, args, { env = process.env, timeoutMs = 30 * 60_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    current = child;
    let out = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      out += d;
    });
    child.stderr.on('data', (d) => process.stderr.write(d));
    // Killing the process group also ends servers and browsers the suite started.
    const timer = setTimeout(() => {
      console.error(`\n${cmd} ${args.join(' ')}: timed out after ${timeoutMs / 60_000} min`);
      killGroup(child);
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: 127, out: `${out}\n${err.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      resolve({ code: code ?? (signal ? 128 : 1), out });
    });
  });
}
function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (current) killGroup(current);
    process.exit(130);
  });
}

/** Counts from node's TAP reporter (`# pass N`) or the wtr count reporter (`N passed, N failed`). */
function parseCounts(out) {
  const last = (re) => {
    const all = [...out.matchAll(re)];
    return all.length ? Number(all.at(-1)[1]) : undefined;
  };
  const pass = last(/^# pass (\d+)$/gm);
  if (pass !== undefined) {
    const cancelled = last(/^# cancelled (\d+)$/gm) ?? 0;
    return { passed: pass, failed: (last(/^# fail (\d+)$/gm) ?? 0) + cancelled, skipped: (last(/^# skipped (\d+)$/gm) ?? 0) + (last(/^# todo (\d+)$/gm) ?? 0) };
  }
  const line = [...out.matchAll(/^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/gm)].at(-1);
  if (line) return { passed: Number(line[1]), failed: Number(line[2]), skipped: Number(line[3] ?? 0) };
  return undefined;
}

const results = [];
let stepNo = 0;
const stepCount = () => steps.filter((s) => s.when()).length;
function heading(title) {
  stepNo += 1;
  console.log(`\n━━━ [${stepNo}/${stepCount()}] ${title} ━━━`);
}
function record(name, r, seconds) {
  const row = { name, passed: 0, failed: 0, skipped: 0, note: '', seconds, ...r };
  results.push(row);
  console.log(`━━━ ${name}: ${row.note || `${row.passed} passed, ${row.failed} failed`} (${seconds.toFixed(1)} s)`);
  return row;
}

/** A plain step (no tests of its own): passes or counts as one failure. */
async function step(name, fn) {
  const t0 = performance.now();
  let r;
  try {
    r = await fn();
  } catch (err) {
    r = { failed: 1, note: `failed: ${err.message}` };
  }
  return record(name, r ?? { note: 'ok' }, (performance.now() - t0) / 1000);
}
const mustSucceed = async (cmd, args) => {
  const { code } = await run(cmd, args);
  if (code !== 0) throw new Error(`\`${cmd} ${args.join(' ')}\` exited ${code}`);
};

/** A test suite: its counts, and one failure more if it crashed or ran no test. */
async function suite(name, cmd, args, opts) {
  const t0 = performance.now();
  const { code, out } = await run(cmd, args, opts);
  const counts = parseCounts(out);
  let r;
  if (!counts) r = { failed: 1, note: `crashed: no test counts in its output (exit ${code})` };
  else if (counts.passed + counts.failed === 0) r = { ...counts, failed: 1, note: 'ran no test' };
  else if (code !== 0 && counts.failed === 0) r = { ...counts, failed: 1, note: `exited ${code} although no test failed` };
  else r = counts;
  return record(name, r, (performance.now() - t0) / 1000);
}
const notRun = (name, why) => record(name, { failed: 1, note: `not run: ${why}` }, 0);

const tap = (files) => ['--import', 'tsx', '--test', '--test-reporter=tap', ...files];
const serverFiles = testFiles('test/server');
const e2eFiles = testFiles('test/e2e');
const { DATABASE_URL: _ignored, ...sqliteEnv } = process.env; // SQLite run: never a stray DATABASE_URL
let chromiumOk = false;
let postgresOk = false;

const steps = [
  {
    when: () => wanted('widgets') || wanted('e2e'),
    title: 'Chromium',
    go: () =>
      step('chromium', () => {
        console.log(ensureChromium());
        chromiumOk = true;
      }),
  },
  {
    when: () => wanted('server-pg'),
    title: 'PostgreSQL (scripts/pg.mjs)',
    go: () =>
      step('postgres', async () => {
        if (!existsSync('scripts/pg.mjs')) throw new Error('scripts/pg.mjs not found');
        // Installs and starts a throwaway cluster if needed, and proves it answers.
        await mustSucceed('node', ['scripts/pg.mjs', '--', 'node', '-e', 'if (!process.env.DATABASE_URL) process.exit(1)']);
        postgresOk = true;
      }),
  },
  { when: () => wanted('typecheck'), title: 'typecheck: tsc -p .', go: () => step('typecheck', () => mustSucceed('npx', ['tsc', '-p', '.'])) },
  { when: () => wanted('build'), title: 'build: npm run build', go: () => step('build', () => mustSucceed('npm', ['run', 'build'])) },
  {
    when: () => wanted('server-sqlite'),
    title: 'server tests on SQLite',
    go: () =>
      serverFiles.length ? suite('server (SQLite)', 'node', tap(serverFiles), { env: sqliteEnv }) : notRun('server (SQLite)', 'no test/server/*.test.ts'),
  },
  {
    when: () => wanted('server-pg'),
    title: 'server tests on PostgreSQL',
    go: () =>
      !postgresOk
        ? notRun('server (PostgreSQL)', 'PostgreSQL unavailable')
        : serverFiles.length
          ? // The SQLite variants ran in the pass before: this one runs the PostgreSQL ones only.
            suite('server (PostgreSQL)', 'node', ['scripts/pg.mjs', '--', 'node', ...tap(serverFiles)], { env: { ...process.env, TEST_DATABASES: 'postgres' } })
          : notRun('server (PostgreSQL)', 'no test/server/*.test.ts'),
  },
  {
    when: () => wanted('widgets'),
    title: 'widget tests: web-test-runner',
    go: () => (chromiumOk ? suite('widgets', 'npx', ['web-test-runner']) : notRun('widgets', 'Chromium unavailable')),
  },
  {
    when: () => wanted('e2e'),
    title: 'end-to-end tests',
    go: () =>
      !chromiumOk ? notRun('e2e', 'Chromium unavailable') : e2eFiles.length ? suite('e2e', 'node', tap(e2eFiles)) : notRun('e2e', 'no test/e2e/*.test.ts'),
  },
];

for (const s of steps.filter((x) => x.when())) {
  heading(s.title);
  await s.go();
}

const pad = (v, n) => String(v).padEnd(n);
console.log(`\n${pad('suite', 22)}${pad('passed', 8)}${pad('failed', 8)}${pad('skipped', 9)}${pad('time', 9)}note`);
for (const r of results) {
  console.log(`${pad(r.name, 22)}${pad(r.passed, 8)}${pad(r.failed, 8)}${pad(r.skipped, 9)}${pad(`${r.seconds.toFixed(1)}s`, 9)}${r.note}`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
