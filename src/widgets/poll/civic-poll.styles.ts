import { css } from 'lit';
import { barStyles } from '../../core/bars.ts';

export const pollStyles = [
  barStyles,
  css`
  :host {
    --_bar: var(--civic-poll-bar-color, var(--_accent));
    --_track: var(--civic-poll-bar-track, var(--_line));
    --_bar-size: var(--civic-poll-bar-height, 0.75rem);
  }
  .q {
    font-size: 1.25em;
    font-weight: 700;
    margin-block-end: 0.5rem;
  }
  .rh {
    font-weight: 700;
    margin-block: 1rem 0.5rem;
  }
  fieldset {
    border: 0;
    padding: 0;
    min-inline-size: 0;
  }
  .opt,
  .rank li {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    min-block-size: 2.75rem;
    padding: 0.25rem 0.75rem;
    margin-block-end: 0.5rem;
    border: 1px solid var(--_line);
    border-radius: var(--_radius);
  }
  .opt {
    cursor: pointer;
  }
  .opt:has(:checked) {
    border-color: var(--_accent);
    box-shadow: inset 0 0 0 1px var(--_accent);
  }
  input {
    inline-size: 1.25rem;
    block-size: 1.25rem;
    margin: 0;
    accent-color: var(--_accent);
  }
  .rank {
    padding: 0;
    list-style: none;
  }
  .rank .out {
    opacity: 0.7;
    border-style: dashed;
  }
  .pos {
    font-weight: 700;
    min-inline-size: 1.5em;
  }
  .grow {
    flex: 1;
  }
  .mv {
    min-inline-size: 2.75rem;
    padding: 0;
  }
  .mv[aria-disabled='true'] {
    opacity: 0.4;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-block-end: var(--_gap);
  }
  .thanks {
    font-weight: 600;
  }
`,
];
