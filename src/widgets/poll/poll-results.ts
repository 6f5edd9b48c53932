import { html, nothing } from 'lit';
import { bar } from '../../core/bars.ts';
import { fill, plural } from '../../core/i18n/index.ts';
import { percent } from '../../core/i18n/percent.ts';
import type { PollStrings } from './i18n/strings.ts';
import type { PollView } from './poll.types.ts';

/**
 * Results as a list a screen reader reads in order: label, percentage and count as text, with an
 * SVG bar beside each (SVG attributes, not inline styles, so a strict CSP allows it).
 * Rows keep the poll's option order, so live updates never reshuffle what a reader is on.
 */
export function renderResults(d: PollView, t: PollStrings, locale: string, level: number) {
  const r = d.results;
  if (!r) {
    const why = { always: '', 'after-vote': t.afterVote, 'after-close': t.afterClose, staff: t.staffOnly }[d.resultsVisibility];
    return why && !(d.resultsVisibility === 'after-vote' && d.myVote) ? html`<p class="muted">${why}</p>` : nothing;
  }
  const ranked = d.type === 'ranked';
  const value = (id: string) => {
    const o = r.options.find((x) => x.id === id);
    return (ranked ? o?.points : o?.votes) ?? 0;
  };
  // Shares of all points when ranked; of voters otherwise (several choices may each reach 100 %).
  const total = ranked ? r.options.reduce((n, o) => n + o.points, 0) : r.voters;
  const pct = percent(locale);
  const share = (id: string) => (total ? value(id) / total : 0);
  const leader = d.options.reduce((a, b) => (value(b.id) > value(a.id) ? b : a));
  const mine = d.myVote?.choices ?? [];
  // A plain div, not a <section>: two polls on one page would make two "Results" landmarks.
  return html`<div part="results">
    <div id="rh" class="rh" role="heading" aria-level=${level}>${t.results}</div>
    ${total ? html`<p class="sr">${fill(t.leading, { label: leader.label, pct: pct.format(share(leader.id)) })}</p>` : nothing}
    <ul class="bars">
      ${d.options.map(
        (o) => html`<li part="result">
          <span class="row">
            <span><bdi>${o.label}</bdi>${mine.includes(o.id) ? html` <b>(${t.yourChoice})</b>` : nothing}</span>
            <span>${pct.format(share(o.id))} · ${plural(ranked ? t.points : t.votes, value(o.id), locale)}</span>
          </span>
          ${bar(share(o.id))}
        </li>`,
      )}
    </ul>
    <p class="muted">${plural(t.voters, r.voters, locale)}${d.status === 'open' ? ' · ' + t.live : ''}</p>
  </div>`;
}
