import { css, html } from 'lit';

/**
 * A result bar beside a row of text (label, percentage, count) that a screen reader reads
 * instead. An SVG rect's width attribute, not an inline style, so a strict CSP allows it.
 * Widgets choose the colours with `--_bar`, `--_track` and `--_bar-size`.
 */
export const bar = (share: number) =>
  html`<svg class="bar" aria-hidden="true"><rect class="fill" height="100%" width=${share * 100 + '%'}></rect></svg>`;

/** The list of result rows (`ul.bars > li > .row + bar`) and the bars themselves. */
export const barStyles = css`
  .bars {
    padding: 0;
    list-style: none;
  }
  .bars li {
    margin-block-end: 0.75rem;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: 0 0.5rem;
  }
  .bar {
    display: block;
    inline-size: 100%;
    block-size: var(--_bar-size, 0.75rem);
    border-radius: var(--_radius);
    background: var(--_track, var(--_line));
  }
  [dir='rtl'] .bar {
    transform: scaleX(-1);
  }
  .fill {
    fill: var(--_bar, var(--_accent));
  }
  @media (forced-colors: active) {
    .bar {
      border: 1px solid CanvasText;
    }
    .fill {
      fill: Highlight;
    }
  }
`;
