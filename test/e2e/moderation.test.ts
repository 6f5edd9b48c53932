// Moderation end to end: a resident's comment held by pre-moderation and a resident's project
// suggestion wait in the console's queue; a moderator signs in at /admin, approves the comment with
// the keyboard shortcut and the project with its button; readers then see both, and the audit log
// names the moderator. Real server, real Chromium, real HTTP.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminFetch, appears, contextFor, eventually, pageIn, serverFor, squash, TEST_TIMEOUT, useBrowser } from './journey.ts';

useBrowser();

const SITE = 'riverton';
/** The demo article's thread (its canonical URL). */
const DEMO_THREAD = 'https://riverton.example/news/bike-lanes';

test('moderator: approves a pending comment (key a) and a pending project suggestion from the queue; readers see both; the audit log names them', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await serverFor(t);
  await adminFetch(server, 'threads', { method: 'PATCH', body: JSON.stringify({ site: SITE, key: DEMO_THREAD, moderation: 'pre' }) });
  const mod = { email: 'mo@riverton.example', password: 'a long moderator password' };
  const moderator = await adminFetch(server, 'users', { method: 'POST', body: JSON.stringify({ ...mod, name: 'Mo', role: 'moderator' }) });

  // A resident comments under the article: held for review.
  const { page: resident, errors: residentErrors } = await pageIn(await contextFor(t));
  await resident.goto(`${server.url}/`);
  const form = resident.locator('civic-comments civic-comment-form').first();
  await appears(form.locator('textarea'), 'the comment form never showed', residentErrors);
  const text = 'Please keep the crossing at the school open during the works.';
  const posted = resident.waitForResponse((r) => r.url().endsWith('/v1/comments') && r.request().method() === 'POST');
  await form.locator('input[autocomplete=nickname]').fill('Noor');
  await form.locator('textarea').fill(text);
  await form.locator('button.primary').click();
  const { comment } = await (await posted).json();
  assert.equal(comment.status, 'pending');

  // Another resident suggests a project (through the public API, as the map's form does; the map's
  // own journey drives that form by keyboard).
  const headers = { 'content-type': 'application/json', origin: server.url };
  const { token } = await (await fetch(`${server.url}/v1/participants`, { method: 'POST', headers, body: '{}' })).json();
  const title = 'Broken street light on Mill Lane';
  const sent = await fetch(`${server.url}/v1/projects/submissions?site=${SITE}`, {
    method: 'POST',
    headers: { ...headers, authorization: `Participant ${token}`, 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({ title, category: 'utilities', start: '2026-12-01', description: 'Out for a week.', geometry: { type: 'Point', coordinates: [5.12, 52.09] } }),
  });
  assert.equal(sent.status, 202, await sent.clone().text());
  const project = await sent.json();

  // The moderator signs in; the queue is their first screen.
  const { page: console_, errors: consoleErrors } = await pageIn(await contextFor(t));
  await console_.goto(`${server.url}/admin`);
  await console_.getByLabel('Email', { exact: true }).fill(mod.email);
  await console_.getByLabel('Password', { exact: true }).fill(mod.password);
  await console_.getByRole('button', { name: 'Sign in' }).click();
  const held = console_.locator('civic-admin-moderation article', { hasText: text });
  await appears(held, 'the held comment is not in the queue', consoleErrors);
  assert.match(squash(await held.innerText()), /Thread: https:\/\/riverton\.example\/news\/bike-lanes/);
  // Keyboard: the item takes focus, `a` approves it.
  await held.focus();
  await console_.keyboard.press('a');
  await appears(console_.getByText('1 comment handled.', { exact: true }), 'the approval was not confirmed', consoleErrors);
  assert.equal(await held.count(), 0, 'the approved comment left the queue');

  await console_.getByRole('button', { name: 'Project submissions' }).click();
  const suggestion = console_.locator('civic-admin-moderation article', { hasText: title });
  await appears(suggestion, 'the project suggestion is not in the queue', consoleErrors);
  await suggestion.getByRole('button', { name: 'Approve' }).click();
  await appears(console_.getByText('1 project suggestion handled. The project is on the map.'), 'the project approval was not confirmed', consoleErrors);
  assert.equal(await suggestion.count(), 0);

  // A new reader sees the comment under the article and the project in the map's list.
  const { page: reader, errors: readerErrors } = await pageIn(await contextFor(t));
  await reader.goto(`${server.url}/`);
  await appears(reader.locator(`civic-comments article[data-id="${comment.id}"]`), 'the approved comment is not public', readerErrors);
  await reader.goto(`${server.url}/projects.html`);
  await appears(reader.locator('civic-project-map button.item', { hasText: title }), 'the approved project is not in the map list', readerErrors);

  // The audit log says who approved what.
  await eventually(async () => {
    const { entries } = await adminFetch(server, 'audit?action=comment.approve');
    assert.deepEqual(entries.map((e: { actor: { id: string }; target: { id: string } }) => [e.actor.id, e.target.id]), [[moderator.id, comment.id]]);
  });
  const { entries } = await adminFetch(server, 'audit?action=project.approve');
  assert.deepEqual(entries.map((e: { actor: { id: string }; target: { id: string } }) => [e.actor.id, e.target.id]), [[moderator.id, project.id]]);

  const expected = [/401 \(Unauthorized\) \(http:\/\/[^)]+\/v1\/admin\/session\)$/];
  assert.deepEqual(consoleErrors.filter((e) => !expected.some((re) => re.test(e.message))), []);
  assert.deepEqual(residentErrors, []);
  assert.deepEqual(readerErrors, []);
});
