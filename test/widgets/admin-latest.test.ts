// The console's lists against a stand-in API whose answers arrive in an order the test chooses:
// a slow answer for a tab left behind must not replace the list of the tab chosen since.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/admin/views/moderation.ts';
import type { AdminApi } from '../../src/admin/api.ts';

const submission = { id: 'p1', properties: { siteId: 's1', title: 'Fix the quay', description: 'Potholes near the bridge', address: 'Quay Road', category: 'roadworks', submitterEmail: null, createdAt: '2026-12-01T09:00:00Z' } };
const comment = {
  id: 'c1', siteId: 's1', threadKey: '/news/1', author: { name: 'Ann', verified: false, participantId: null }, body: 'A held comment',
  status: 'pending', heldReason: null, reports: { open: 0, reasons: {} }, parent: null, createdAt: '2026-12-01T09:00:00Z',
};

describe('console lists', () => {
  for (const late of ['answers', 'fails'] as const)
    it(`a tab chosen while the previous one still loads shows its own list when the old request ${late} last`, async () => {
      let settle!: () => void;
      const api = {
        get: (path: string) =>
          path.startsWith('/v1/admin/comments')
            ? new Promise((resolve, reject) => (settle = () => (late === 'answers' ? resolve({ comments: [comment] }) : reject(new Error('network')))))
            : Promise.resolve({ projects: [submission] }),
      } as unknown as AdminApi;
      const el = await fixture<HTMLElement>(html`<civic-admin-moderation .api=${api}></civic-admin-moderation>`);
      const root = el.shadowRoot!;
      [...root.querySelectorAll<HTMLButtonElement>('[aria-pressed]')].find((b) => b.textContent!.includes('Project submissions'))!.click();
      await waitUntil(() => root.querySelector('#reason-p1'), 'the submission never showed');
      settle();
      await new Promise((r) => setTimeout(r, 50));
      expect(root.querySelector('#reason-p1'), 'the submissions tab still shows its list').to.exist;
      expect(root.textContent).not.to.contain('A held comment');
      expect(root.querySelector('[role=alert]'), 'no alert for the tab left behind').to.equal(null);
    });
});
