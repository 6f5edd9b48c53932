// Keyboard-only journeys: where the focus is (through shadow roots), Tab until it reaches
// something, and proof that no pointer was used.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

/** The focused element, through shadow roots, described for assertions. */
export interface Focus {
  /** The tag of the widget whose shadow root holds the focus, if any. */
  host: string | null;
  tag: string;
  type: string | null;
  cls: string;
  autocomplete: string | null;
  /** The comment (data-id) the focused element belongs to, if any. */
  comment: string | null;
  /** Inside a comment form: `top` (the thread's form) or the id of the comment it replies to. */
  form: string | null;
  /** The `part` attribute of the element or its closest ancestor with one. */
  part: string | null;
  /** Visible text or aria-label. */
  name: string;
  expanded: string | null;
  checked: boolean | null;
  value: string | null;
}
// A string, not a function: tsx would inject its __name helper, unknown in the page.
const FOCUS_SCRIPT = `(() => {
  let el = document.activeElement, host = null;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) { host = el; el = el.shadowRoot.activeElement; }
  if (!el) return null;
  const art = el.closest('article[part=comment]');
  const form = el.closest('civic-comment-form');
  const label = el.closest('label');
  const parted = el.closest('[part]');
  return {
    host: host ? host.tagName.toLowerCase() : null,
    tag: el.tagName.toLowerCase(),
    type: el.getAttribute('type'),
    cls: typeof el.className === 'string' ? el.className : '',
    autocomplete: el.getAttribute('autocomplete'),
    comment: art ? art.dataset.id : null,
    form: form ? (form.closest('article[part=comment]') ? form.closest('article[part=comment]').dataset.id : 'top') : null,
    part: parted ? parted.getAttribute('part') : null,
    name: (el.getAttribute('aria-label') || (el.labels && el.labels[0] && el.labels[0].textContent) || (label && label.textContent) || el.textContent || '').replace(/\\s+/g, ' ').trim(),
    expanded: el.getAttribute('aria-expanded'),
    checked: el.type === 'radio' || el.type === 'checkbox' ? el.checked : null,
    value: 'value' in el && typeof el.value === 'string' ? el.value : null,
  };
})()`;

export const focused = (page: Page): Promise<Focus> => page.evaluate(FOCUS_SCRIPT);

export const describeFocus = (f: Focus | null) =>
  f ? `${f.host ?? '-'}:${f.tag}${f.comment ? `@${f.comment}` : ''}${f.form ? `[form ${f.form}]` : ''} "${f.name.slice(0, 30)}"` : 'null';

/** Presses Tab (or Shift+Tab) until the focused element satisfies `wanted`; fails listing where the focus went. */
export async function tabTo(page: Page, wanted: (f: Focus) => boolean, what: string, max = 60, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<Focus> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const f = await focused(page);
    if (f && wanted(f)) return f;
    seen.push(describeFocus(f));
  }
  assert.fail(`${key} never reached ${what} in ${max} presses; focus went: ${seen.join(' → ')}`);
}

/**
 * Records every mouse, pointer or touch press in the page, and every click a pointer made (a
 * click from the keyboard has detail 0); `pointerUses` reads them back.
 */
export async function trapPointer(page: Page): Promise<void> {
  await page.addInitScript({
    content: `window.__pointer = [];
      for (const type of ['pointerdown', 'pointerup', 'mousedown', 'mouseup', 'touchstart', 'touchend'])
        addEventListener(type, (e) => window.__pointer.push(type), true);
      addEventListener('click', (e) => { if (e.detail > 0) window.__pointer.push('click'); }, true);`,
  });
}

export const pointerUses = (page: Page): Promise<string[]> => page.evaluate('window.__pointer');
