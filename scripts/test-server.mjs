// Starts the real reference server (server/server.ts) as a child process for tests:
// the widget harness (web-test-runner.config.mjs) and the e2e helpers both use it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = 'server/server.ts';
// Preloaded into the server: when the test process dies, even by SIGKILL, the server's stdin pipe
// closes and the server ends too, instead of living on as an orphan. SIGKILL, because a graceful
// shutdown hangs writing its logs to the dead parent's pipes; the data is throwaway anyway.
const EXIT_WITH_PARENT = `data:text/javascript,process.stdin.on('close', () => process.kill(process.pid, 'SIGKILL')).resume()`;
// Settings the server reads; a test passes them explicitly so nothing leaks in from the shell.
const SERVER_VARS = ['PORT', 'HOST', 'DATA_DIR', 'DATABASE_URL', 'ADMIN_TOKEN', 'SEED', 'DEMO', 'DEMO_ORIGINS', 'DEMO_NGO_PORT'];

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `node --import tsx server/server.ts` on 127.0.0.1:port and waits for GET /health.
 * The server's output is kept (last 64 KiB) for the error message; CIVIC_SERVER_LOG=1 also streams it.
 */
export async function spawnServer({ port, env = {}, timeoutMs = 30_000 }) {
  if (!existsSync(new URL(`../${entry}`, import.meta.url))) {
    throw new Error(`${entry} not found: the tests need the reference server`);
  }
  const base = { ...process.env };
  for (const key of SERVER_VARS) delete base[key];
  for (const key of Object.keys(base)) if (key.startsWith('RATE_LIMIT_')) delete base[key];
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', EXIT_WITH_PARENT, entry], {
    cwd: root,
    env: { ...base, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-65_536);
    if (process.env.CIVIC_SERVER_LOG) process.stderr.write(chunk);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  // Never leave a server behind when the test process ends abruptly.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      process.removeListener('exit', killOnExit);
      resolve({ code, signal });
    }),
  );

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  let exit;
  exited.then((e) => (exit = e));
  while (true) {
    if (exit) throw new Error(`server exited (${exit.code ?? exit.signal}) before answering /health:\n${output}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server did not answer ${url}/health within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { url, port, child, stop, output: () => output };
}
