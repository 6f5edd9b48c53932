import type { AdminApi } from './api.ts';

export type Role = 'admin' | 'editor' | 'moderator';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt?: string;
  lastLoginAt?: string | null;
}

interface SessionAnswer {
  user: User;
  csrfToken: string;
}

/** The signed-in user, or null when there is no session (401). The CSRF token is kept on the api. */
export async function currentSession(api: AdminApi): Promise<User | null> {
  try {
    const s = await api.request<SessionAnswer>('GET', '/v1/admin/session', undefined, { quiet401: true });
    api.csrfToken = s.csrfToken;
    return s.user;
  } catch (e) {
    if ((e as { status?: number }).status === 401) return null;
    throw e;
  }
}

export async function signIn(api: AdminApi, email: string, password: string): Promise<User> {
  const s = await api.request<SessionAnswer>('POST', '/v1/admin/session', { email, password }, { quiet401: true });
  api.csrfToken = s.csrfToken;
  return s.user;
}

export async function signOut(api: AdminApi): Promise<void> {
  await api.request('DELETE', '/v1/admin/session', undefined, { quiet401: true });
  api.csrfToken = '';
}

/** First run: the one-time token from the server's log creates the first admin. */
export async function setupFirstAdmin(api: AdminApi, body: { token: string; email: string; name: string; password: string }) {
  await api.request('POST', '/v1/admin/setup', body, { quiet401: true });
}

export type Section = 'polls' | 'consultations' | 'comments' | 'threads' | 'projects' | 'sites' | 'users' | 'audit' | 'privacy';

/**
 * What each role sees in the navigation (the server checks every route again). Thread settings are
 * a section of their own, not a tab of the moderation queue: editors change them but have no queue.
 */
export const sectionsFor = (role: Role): Section[] =>
  role === 'admin'
    ? ['polls', 'consultations', 'comments', 'threads', 'projects', 'sites', 'users', 'audit', 'privacy']
    : role === 'editor'
      ? ['polls', 'consultations', 'threads', 'projects']
      : ['comments', 'threads', 'polls', 'consultations', 'projects'];

/** Editors and admins change content; moderators read it and moderate. */
export const canEdit = (role: Role) => role !== 'moderator';
