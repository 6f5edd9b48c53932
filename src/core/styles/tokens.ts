import { css } from 'lit';

/**
 * Shared look of every widget. Public hooks are the `--civic-*` properties; the private `--_*`
 * ones resolve them once. `theme` sets color-scheme and light-dark() picks each colour, so the
 * dark palette is written once; browsers without light-dark() fall back to inherited colours.
 */
export const base = css`
  :host {
    color-scheme: light;
    --_fg: var(--civic-color-text,light-dark(#1b1f24,#e8eaed));
    --_bg: var(--civic-color-surface,light-dark(#fff,#1e2227));
    --_muted: var(--civic-color-muted,light-dark(#545b64,#b0b6be));
    --_line: var(--civic-color-border,light-dark(#c4c9d0,#4a5058));
    --_accent: var(--civic-color-accent,light-dark(#0b5cad,#8ab8f0));
    --_on-accent: var(--civic-color-on-accent,light-dark(#fff,#0d1b2a));
    --_danger: var(--civic-color-danger,light-dark(#b3261e,#ffb4ab));
    --_radius: var(--civic-radius,.5rem);
    --_gap: var(--civic-space,1rem);
    display: block;
    font-family: var(--civic-font,inherit);
    color: var(--_fg);
    line-height: 1.5;
    /* Holds the loader's reservation from definition to first render; released when ready. */
    min-block-size: var(--civic-min-block-size, 20rem);
  }
  :host(:state(ready)) {
    min-block-size: 0;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([theme='auto']) {
    color-scheme: light dark;
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }
  /* The colour again on the content: a page's "* { all: revert }" reverts the host's own. */
  .base {
    color: var(--_fg);
    padding: var(--_gap);
    border: 1px solid var(--_line);
    border-radius: var(--_radius);
    background: var(--_bg);
  }
  h2,
  h3,
  p,
  fieldset,
  ol,
  ul {
    margin: 0 0 calc(var(--_gap)*.75);
  }
  button {
    font: inherit;
    min-block-size: 2.75rem;
    padding-inline: 1rem;
    border: 2px solid var(--_accent);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_accent);
    cursor: pointer;
  }
  button.primary {
    background: var(--_accent);
    color: var(--_on-accent);
  }
  button:disabled {
    opacity: 0.6;
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  .muted {
    color: var(--_muted);
  }
  .sr {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  /* While loading, the box is exactly as tall as the loader reserved before the element was
     defined: both use --civic-min-block-size, so nothing moves when the code arrives. */
  .busy {
    display: flex;
    min-block-size: var(--civic-min-block-size, 20rem);
  }
  .skeleton {
    flex: 1;
    border-radius: var(--_radius);
    background: linear-gradient(90deg, var(--_line) 0 0) 0 0 / 60% 1.25rem no-repeat,
      linear-gradient(90deg, var(--_line) 0 0) 0 2.5rem / 100% 2.75rem no-repeat,
      linear-gradient(90deg, var(--_line) 0 0) 0 6rem / 100% 2.75rem no-repeat;
    opacity: 0.5;
    animation: pulse 1.5s ease-in-out infinite alternate;
  }
  @keyframes pulse {
    to {
      opacity: 0.25;
    }
  }
  .error {
    border-inline-start: 4px solid var(--_danger);
    padding-inline-start: .75rem;
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      animation: none !important;
      transition: none !important;
    }
  }
  @media (forced-colors: active) {
    .base {
      border-color: CanvasText;
    }
    button.primary {
      forced-color-adjust: none;
      background: ButtonText;
      color: ButtonFace;
    }
  }
`;
