import type { ReactiveController, ReactiveControllerHost } from 'lit';

const FALLBACK_POLL_MS = 15_000;
/**
 * Streams open per backend on this page. Over HTTP/1.1 a browser keeps at most six connections per
 * host and a stream holds one for good: past four, a widget polls, so requests (a vote) still go.
 */
const MAX_STREAMS = 4;
const streams = new Map<string, number>();
const count = (origin: string, by: number) => streams.set(origin, (streams.get(origin) ?? 0) + by);

/**
 * Live updates over Server-Sent Events. EventSource reconnects by itself and resumes with
 * Last-Event-ID; where it is missing or keeps failing, we poll instead.
 */
export class LiveUpdates<T> implements ReactiveController {
  #source?: EventSource;
  #origin = '';
  #timer?: ReturnType<typeof setInterval>;
  #url?: string;
  readonly #onData: (data: T, event: string) => void;
  readonly #poll: () => unknown;
  readonly #events: string[];

  constructor(host: ReactiveControllerHost, onData: (data: T, event: string) => void, poll: () => unknown, events = ['results']) {
    this.#onData = onData;
    this.#poll = poll;
    this.#events = events;
    host.addController(this);
  }

  /** Follows url (absolute, as ApiClient.url makes it); calling again with the same url keeps the stream, with undefined stops it. */
  follow(url?: string) {
    if (url === this.#url) return;
    this.#stop();
    this.#url = url;
    if (!url) return;
    const origin = new URL(url).origin;
    if (!globalThis.EventSource || (streams.get(origin) ?? 0) >= MAX_STREAMS) return this.#fallback();
    count((this.#origin = origin), 1);
    const es = (this.#source = new EventSource(url));
    for (const name of this.#events)
      es.addEventListener(name, (e) => {
        try {
          this.#onData(JSON.parse((e as MessageEvent).data), name);
        } catch {
          /* a malformed event is skipped; the next one carries the state again */
        }
      });
    // CLOSED after an error means the browser gave up (e.g. a proxy that kills streams).
    es.onerror = () => es.readyState === 2 && this.#source === es && this.#fallback();
  }

  #fallback() {
    this.#close();
    this.#timer ??= setInterval(() => this.#poll(), FALLBACK_POLL_MS);
  }

  #close() {
    if (this.#source) count(this.#origin, -1);
    this.#source?.close();
    this.#source = undefined;
  }

  #stop() {
    this.#close();
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  hostConnected() {
    const url = this.#url;
    this.#url = undefined;
    this.follow(url);
  }

  hostDisconnected() {
    this.#stop();
  }
}
