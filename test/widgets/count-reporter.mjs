// A web-test-runner reporter whose only output is `N passed, N failed` as the process's very
// last line, so scripts/test.mjs and CI can count. wtr prints its own summary after
// reporters stop, hence the line is written on process exit.

/** Counts the tests of one session; a file that failed outside any test counts as one failure. */
function countSession(session) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const walk = (suite) => {
    for (const t of suite.tests) counts[t.skipped ? 'skipped' : t.passed ? 'passed' : 'failed'] += 1;
    for (const s of suite.suites) walk(s);
  };
  if (session.testResults) walk(session.testResults);
  if (session.passed === false && counts.failed === 0) counts.failed = 1;
  return counts;
}

export function countReporter() {
  let line;
  return {
    start() {
      // Written on exit; a run that dies before stop() still says it counted nothing useful.
      process.once('exit', () => process.stdout.write(`\n${line ?? '0 passed, 1 failed'}\n`));
    },
    stop({ sessions }) {
      const total = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessions) {
        const c = countSession(session);
        total.passed += c.passed;
        total.failed += c.failed;
        total.skipped += c.skipped;
      }
      line = `${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`;
    },
  };
}
