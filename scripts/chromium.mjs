// The one place that knows how to find, install and launch Chromium for tests.
// Used by web-test-runner.config.mjs, test/e2e/support.ts and scripts/test.mjs.
// Browser downloads (npx playwright install) cannot work here: we use Debian's chromium.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Flags for every launch. The network is closed, so everything that phones home is off.
 * Never add --disable-software-rasterizer: it removes the WebGL2 that maplibre needs. */
export const chromiumArgs = [
  '--headless=new',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  ...(isRoot ? ['--no-sandbox'] : []), // Chromium refuses to start as root with its sandbox
];

/** Path of an installed Chromium, or undefined. CHROME_PATH wins when it points at a file. */
export function findChromium() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CANDIDATES.find((p) => existsSync(p));
}

/** Path of Chromium, installing Debian's package first when missing and allowed (root). */
export function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  const hint = "install Debian's chromium: apt-get install chromium fonts-liberation, or set CHROME_PATH";
  if (!isRoot || !existsSync('/usr/bin/apt-get')) throw new Error(`Chromium not found; ${hint}`);
  console.log('Chromium not found; installing Debian chromium + fonts-liberation…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-liberation'], {
    stdio: 'inherit',
    env,
  });
  const installed = findChromium();
  if (!installed) throw new Error(`Chromium still not found after apt-get; ${hint}`);
  return installed;
}

// CLI: `node scripts/chromium.mjs` ensures Chromium and prints its path.
if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(ensureChromium());
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
