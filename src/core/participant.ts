import type { ApiClient } from './api-client.ts';

/**
 * The anonymous participant token, one per backend, kept in the host page's localStorage.
 * No cookie and no fingerprint: clearing site data makes a resident new again.
 */
const pending: Record<string, Promise<string>> = {};
const keyFor = (client: ApiClient) => 'civic.participant@' + client.url('/');

// localStorage can throw (storage disabled, sandboxed frames): fall back to this page's memory.
const memory: Record<string, string> = {};
const read = (k: string) => {
  try {
    return localStorage.getItem(k) ?? memory[k];
  } catch {
    return memory[k];
  }
};
const write = (k: string, v?: string) => {
  try {
    v ? localStorage.setItem(k, v) : localStorage.removeItem(k);
  } catch {
    /* memory below still holds it for this page */
  }
  v ? (memory[k] = v) : delete memory[k];
};

/** The stored token, or undefined: reads never mint one, so a first visit costs one request. */
export const storedParticipant = (client: ApiClient) => read(keyFor(client));

/**
 * The stored token, or a new one from the server (one request per backend, however many widgets
 * ask). A new token lives in this page's memory only until `rememberParticipant`: nothing is
 * written to the resident's device until they take part.
 */
export function participant(client: ApiClient): Promise<string> {
  const k = keyFor(client);
  const have = read(k);
  if (have) return Promise.resolve(have);
  return (pending[k] ??= client
    .post<{ token: string }>('v1/participants', {})
    .then(({ token }) => (memory[k] = token))
    .finally(() => delete pending[k]));
}

/** Keeps the token on the device once the resident has voted, answered or commented with it. */
export const rememberParticipant = (client: ApiClient, token: string) => write(keyFor(client), token);

/** Drops a token the server refused, so the next call mints a fresh one. */
export const forgetParticipant = (client: ApiClient) => write(keyFor(client));
