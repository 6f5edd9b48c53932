import { html, nothing, type TemplateResult } from 'lit';
import { fill, plural, relative } from '../../core/i18n/index.ts';
import type { CommentView, ReportReason } from './comments.types.ts';
import { renderText } from './format.ts';
import type { CommentsStrings } from './i18n/strings.ts';

/** What a comment needs from its thread to render and act. */
export interface ItemContext {
  s: CommentsStrings;
  locale: string;
  now: number;
  closed: boolean;
  /** Where a form is open: a reply under, an edit of, a report of, or a delete confirmation of a comment. */
  open?: { kind: 'reply' | 'edit' | 'report' | 'delete'; id: string };
  reported: Set<string>;
  form(kind: 'reply' | 'edit', c: CommentView): TemplateResult;
  toggle(kind: 'reply' | 'edit' | 'report' | 'delete', c: CommentView, opener: HTMLElement): void;
  vote(c: CommentView, value: -1 | 0 | 1): void;
  remove(c: CommentView): void;
  report(c: CommentView, reason: ReportReason, details: string): void;
  moreReplies(c: CommentView): void;
}

const REASONS: [ReportReason, keyof CommentsStrings['reasons']][] = [
  ['spam', 'spam'],
  ['abuse', 'abuse'],
  ['off-topic', 'offTopic'],
  ['illegal', 'illegal'],
];

/**
 * One comment as an `article` named by its author and time, with its replies nested inside
 * (the server flattens anything deeper than three levels and says whom it answers).
 */
export function renderComment(c: CommentView, x: ItemContext): TemplateResult {
  const t = x.s;
  const time = relative(Date.parse(c.createdAt) - x.now, x.locale);
  const open = x.open?.id === c.id ? x.open.kind : undefined;
  const editable = c.mine && c.status !== 'deleted' && !!c.editableUntil && Date.parse(c.editableUntil) > x.now;
  const opener = (kind: 'reply' | 'edit' | 'report' | 'delete') => (e: Event) => x.toggle(kind, c, e.currentTarget as HTMLElement);
  // A deleted or hidden comment with replies keeps its place, without name or text.
  if (!c.author.name && c.status !== 'published')
    return html`<article part="comment" class="c" data-id=${c.id} aria-label=${t.deleted}>
      <p class="muted">${t.deleted}</p>
      <div class="replies">${c.replies.map((r) => renderComment(r, x))}</div>
    </article>`;
  return html`<article part="comment" class="c" data-id=${c.id} aria-label=${fill(t.byline, { name: c.author.name, time })}>
    <p class="meta">
      <b dir="auto">${c.author.name}</b>${c.author.verified ? html` <span class="badge">${t.verified}</span>` : nothing}
      <span class="muted"><time datetime=${c.createdAt}>${time}</time>${c.editedAt ? ` · ${t.edited}` : ''}${c.mine ? ` · ${t.yours}` : ''}</span>
      ${c.inReplyTo ? html`<span class="muted">${fill(t.inReplyTo, { name: c.inReplyTo.name })}</span>` : nothing}
    </p>
    ${c.status === 'deleted'
      ? html`<p class="muted">${t.deleted}</p>`
      : open === 'edit'
        ? x.form('edit', c)
        : html`<div class="body">${renderText(c.body)}</div>`}
    ${c.mine && (c.status === 'pending' || c.status === 'hidden')
      ? html`<p class="note" role="status">
          ${t.pending}
          <span class="muted">${c.held ? fill(t.held[c.held], { reason: c.rejectReason ?? '' }) : c.heldReason}</span>
        </p>`
      : nothing}
    ${c.status !== 'published' || c.id.startsWith('draft-')
      ? nothing
      : html`<div class="acts">
          <button type="button" aria-pressed=${c.myVote === 1} @click=${() => x.vote(c, c.myVote === 1 ? 0 : 1)}>
            ${t.helpful} <span class="n">${c.up}</span>
          </button>
          <button type="button" aria-pressed=${c.myVote === -1} @click=${() => x.vote(c, c.myVote === -1 ? 0 : -1)}>
            ${t.unhelpful} <span class="n">${c.down}</span>
          </button>
          ${x.closed ? nothing : html`<button type="button" aria-expanded=${open === 'reply'} @click=${opener('reply')}>${t.reply}</button>`}
          ${editable
            ? html`<button type="button" aria-expanded=${open === 'edit'} @click=${opener('edit')}>${t.edit}</button>
                <button type="button" aria-expanded=${open === 'delete'} @click=${opener('delete')}>${t.delete}</button>`
            : nothing}
          ${c.mine || x.reported.has(c.id)
            ? nothing
            : html`<button type="button" aria-expanded=${open === 'report'} @click=${opener('report')}>${t.report}</button>`}
        </div>`}
    ${x.reported.has(c.id) ? html`<p class="note" role="status">${t.reported}</p>` : nothing}
    ${open === 'delete'
      ? html`<div class="confirm" role="group" aria-label=${t.delete}>
          <p>${t.confirmDelete}</p>
          <button type="button" class="primary" @click=${() => x.remove(c)}>${t.delete}</button>
          <button type="button" @click=${opener('delete')}>${t.cancel}</button>
        </div>`
      : nothing}
    ${open === 'report' ? renderReport(c, x) : nothing}
    ${open === 'reply' ? x.form('reply', c) : nothing}
    ${c.replies.length || c.moreReplies
      ? html`<div class="replies">
          ${c.replies.map((r) => renderComment(r, x))}
          ${c.moreReplies
            ? html`<button type="button" class="link" @click=${() => x.moreReplies(c)}>${plural(t.moreReplies, c.moreReplies, x.locale)}</button>`
            : nothing}
        </div>`
      : nothing}
  </article>`;
}

function renderReport(c: CommentView, x: ItemContext) {
  const t = x.s;
  const send = (e: Event) => {
    e.preventDefault();
    const f = e.target as HTMLFormElement;
    const reason = (f.elements.namedItem('reason') as RadioNodeList).value as ReportReason;
    const details = f.elements.namedItem('details') as HTMLTextAreaElement;
    // A notice of illegal content must say why (EU Digital Services Act, art. 16).
    details.setCustomValidity(reason === 'illegal' && !details.value.trim() ? t.reportDetails : '');
    if (details.reportValidity()) x.report(c, reason, details.value.trim());
  };
  return html`<form class="report" @submit=${send}>
    <fieldset>
      <legend>${t.reportReason}</legend>
      ${REASONS.map(
        ([value, key], i) => html`<label class="opt"><input type="radio" name="reason" value=${value} ?required=${i === 0} />${t.reasons[key]}</label>`,
      )}
    </fieldset>
    <label
      >${t.reportDetails}<textarea name="details" rows="2" maxlength="2000"
        @input=${(e: Event) => (e.target as HTMLTextAreaElement).setCustomValidity('')}
      ></textarea
    ></label>
    <div class="actions">
      <button class="primary">${t.sendReport}</button>
      <button type="button" @click=${(e: Event) => x.toggle('report', c, e.currentTarget as HTMLElement)}>${t.cancel}</button>
    </div>
  </form>`;
}
