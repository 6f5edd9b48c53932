import type { ApiClient, ApiError } from './api-client.ts';
import { forgetParticipant, participant, rememberParticipant, storedParticipant } from './participant.ts';

/**
 * A write kept on the device while the backend cannot be reached, sent when it can. Only what the
 * write itself needs is kept (its path, body, Idempotency-Key and participant token), for a week.
 * This module is a lazy chunk, loaded through `ApiClient.outbox()`: when a write failed, or when a
 * widget finds this backend's key in localStorage.
 */
export const outboxKey = (client: ApiClient) => client.outboxKey;

export interface Queued {
  /** What a newer write replaces: one vote per poll, one answer per consultation; a comment is its own. */
  slot: string;
  path: string;
  body: Record<string, unknown>;
  /** The Idempotency-Key: however often the write arrives, the server counts it once. */
  key: string;
  /** The participant it is sent as, fixed before the first try: every try is the same participant. */
  participant?: string;
  /** When it was queued (ms since 1970). */
  at: number;
}

/** What became of a queued write: the server's answer, its refusal, or (neither) sent from another tab. */
export interface Delivered {
  item: Queued;
  data?: unknown;
  error?: unknown;
}

const WEEK = 7 * 864e5;
/** No answer, or the server says it is unavailable: worth keeping. Never a verdict (4xx). */
export const unavailable = (e: unknown) => [0, 502, 503, 504].includes((e as ApiError)?.status);
/** When delivering, anything but an answer or a 4xx verdict means: try again later (429 and 5xx too). */
const later = (e: unknown) => {
  const s = (e as ApiError)?.status;
  return s === 0 || s === 429 || s >= 500;
};

const parse = (raw: string | null): Queued[] => {
  try {
    const v = JSON.parse(raw ?? '[]');
    // Expired items are dropped as they are read: nothing outlives a week on the device. A damaged
    // item is dropped too, and a path is only ever one of this API's (never another host).
    const ok = (q: Queued) => typeof q?.key == 'string' && typeof q.slot == 'string' && /^v1\//.test(q.path) && !!q.body && typeof q.body == 'object' && Date.now() - q.at < WEEK;
    return Array.isArray(v) ? v.filter(ok) : [];
  } catch {
    return [];
  }
};

const read = (client: ApiClient) => {
  try {
    const raw = localStorage.getItem(outboxKey(client));
    const items = parse(raw);
    // What was dropped is gone from the device too (a comment's text must not outlive its week).
    if (raw && JSON.stringify(items) !== raw) write(client, items);
    return items;
  } catch {
    return [];
  }
};

const write = (client: ApiClient, items: Queued[]) => {
  try {
    const k = outboxKey(client);
    items.length ? localStorage.setItem(k, JSON.stringify(items)) : localStorage.removeItem(k);
    return true;
  } catch {
    return false; // quota, private mode, disabled: the caller keeps its usual error
  }
};

/** The queued writes for this backend that `match` picks. */
export const queued = (client: ApiClient, match: (q: Queued) => boolean) => read(client).filter(match);

/**
 * Keeps a write that failed for want of a server (`error`; null: queue it without trying, because
 * an older write of the same slot is waiting) and schedules its sending. False when it was a
 * verdict or the device cannot store it: the widget then shows its usual error.
 */
export function keep(client: ApiClient, error: unknown, item: Omit<Queued, 'at' | 'participant'>): boolean {
  if (error !== null && !unavailable(error)) return false;
  // The token the failed write used, if one was minted: sent with it on every try.
  const token = storedParticipant(client);
  const items = read(client).filter((q) => q.slot !== item.slot); // the newest write of a slot wins
  if (!write(client, [...items, { ...item, participant: token, at: Date.now() }])) return false;
  if (token) rememberParticipant(client, token);
  follow(client);
  retry(client, true);
  // Behind an older write of its slot: sent right after it (a failure waits for the timer).
  if (error === null) flush(client);
  return true;
}

/** `keep`, and `hear` then learns what became of the write. */
export function queue(el: Element, client: ApiClient, error: unknown, item: Omit<Queued, 'at' | 'participant'>, hear: (d: Delivered) => void) {
  return keep(client, error, item) && (watch(client, el, hear), true);
}

/** The waiting writes `match` picks, when a widget loads: followed by `hear`, and sent now if the server answers. */
export function waiting(el: Element, client: ApiClient, match: (q: Queued) => boolean, hear: (d: Delivered) => void) {
  const items = queued(client, match);
  if (items.length) watch(client, el, hear), flush(client);
  return items;
}

type Watcher = [base: string, cb: (d: Delivered) => void];
/** Exported for tests only. An element off the page is let go (single-page apps remove many). */
export const watchers = new Map<Element, Watcher>();
const prune = () => watchers.forEach((_, el) => el.isConnected || watchers.delete(el));

/** Calls `cb` with what becomes of each queued write of this backend while `el` is on the page. */
export function watch(client: ApiClient, el: Element, cb: (d: Delivered) => void) {
  prune();
  watchers.set(el, [client.base, cb]);
  follow(client);
}

const notify = (client: ApiClient, d: Delivered) => {
  prune();
  for (const [el, [base, cb]] of watchers)
    if (base === client.base)
      try {
        cb(d);
      } catch {
        /* one widget's trouble is not the others' */
      }
};

interface State {
  client: ApiClient;
  timer?: ReturnType<typeof setTimeout>;
  wait: number;
  busy?: boolean;
}
const states: Record<string, State> = {};

/** Sends on `online`, and tells this tab's widgets what another tab sent. Once per backend. */
function follow(client: ApiClient) {
  const k = outboxKey(client);
  if (states[k]) return;
  states[k] = { client, wait: 0 };
  addEventListener('online', () => flush(client));
  addEventListener('storage', (e) => {
    if (e.key !== k) return;
    const now = parse(e.newValue);
    // Gone from the queue, not replaced by a newer write of its slot: delivered elsewhere.
    for (const item of parse(e.oldValue)) if (!now.some((q) => q.slot === item.slot)) notify(client, { item });
  });
}

/** The next try: soon after a failure, then less and less often (2 s … 30 s), with jitter. */
function retry(client: ApiClient, fresh = false) {
  const s = states[outboxKey(client)];
  clearTimeout(s.timer);
  s.wait = fresh ? 2e3 : Math.min(s.wait * 2 || 2e3, 3e4);
  s.timer = setTimeout(() => flush(client), s.wait * (0.75 + Math.random() / 2));
}

/**
 * Sends what waits, oldest first, one at a time: a newer write of a slot goes after the older one
 * in flight, so the newest is what counts. One tab at a time (Web Locks where the browser has
 * them); an item leaves the queue only on an answer (2xx or a verdict). Never rejects.
 */
export async function flush(client: ApiClient): Promise<void> {
  follow(client);
  const s = states[outboxKey(client)];
  if (s.busy) return;
  s.busy = true;
  try {
    const locks = navigator.locks;
    if (!locks) await round(client);
    // Another tab holds the lock: it is sending; look again later in case it is closed meanwhile.
    else await locks.request(outboxKey(client), { ifAvailable: true }, (lock) => (lock ? round(client) : retry(client)));
  } catch {
    retry(client);
  } finally {
    s.busy = false;
  }
}

async function round(client: ApiClient) {
  const tried = new Set<string>();
  let renewed = false;
  for (let item: Queued | undefined; (item = read(client).find((q) => !tried.has(q.key))); ) {
    tried.add(item.key);
    const d: Delivered = { item };
    try {
      if (!item.participant) {
        // Minted (or found) before the first try and stored with the item, so that every later
        // try, after a reload too, is the same participant: the server then counts it once.
        item.participant = await participant(client);
        if (!update(client, item.key, item)) continue; // replaced meanwhile: the newer one goes next
        rememberParticipant(client, item.participant);
      }
      d.data = await client.post(item.path, item.body, { participant: item.participant, key: item.key });
    } catch (e) {
      if (later(e)) return retry(client);
      if ((e as ApiError).code === 'PARTICIPANT_INVALID' && !renewed) {
        // A token from another server or a reset secret: nothing was counted with it. A fresh
        // participant and key, as a write made now would get.
        renewed = true;
        // Only that token: a newer one minted meanwhile (a direct write, another tab) is valid.
        if (storedParticipant(client) === item.participant) forgetParticipant(client);
        update(client, item.key, { ...item, participant: undefined, key: crypto.randomUUID() });
        continue;
      }
      d.error = e;
    }
    const items = read(client);
    // Replaced meanwhile by a newer write of its slot: that one follows; this answer is old news.
    if (!items.some((q) => q.key === item.key)) continue;
    write(client, items.filter((q) => q.key !== item.key));
    notify(client, d);
  }
  states[outboxKey(client)].wait = 0;
}

/** Stores a changed item in place of the one with `key`, if that is still waiting. */
function update(client: ApiClient, key: string, item: Queued) {
  const items = read(client);
  const i = items.findIndex((q) => q.key === key);
  if (i < 0) return false;
  items[i] = item;
  return write(client, items);
}
