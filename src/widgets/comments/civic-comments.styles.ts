import { css } from 'lit';

export const commentsStyles = css`
  /* Comments out of sight skip layout and paint until scrolled near (a long page stays cheap). */
  .base > .c {
    content-visibility: auto;
    contain-intrinsic-size: auto 12rem;
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    justify-content: space-between;
    gap: .5rem;
    margin-block-end: var(--_gap);
  }
  .title {
    font-size: 1.25em;
    font-weight: 700;
  }
  select,
  input,
  textarea {
    font: inherit;
    color: inherit;
    background: var(--_bg);
    border: 1px solid var(--_muted);
    border-radius: var(--_radius);
    padding: .5rem;
  }
  .compose,
  .report,
  .confirm {
    display: grid;
    gap: .25rem;
    margin-block: .5rem var(--_gap);
  }
  textarea {
    inline-size: 100%;
    resize: vertical;
  }
  .hp {
    position: absolute;
    inset-inline-start: -100vw;
  }
  .actions,
  .acts {
    display: flex;
    flex-wrap: wrap;
    gap: .5rem;
    margin-block-start: .25rem;
  }
  .acts button {
    min-block-size: 2.25rem;
    padding-inline: .6rem;
    border-width: 1px;
  }
  .acts [aria-pressed='true'] {
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .c {
    padding-block: .75rem;
    border-block-start: 1px solid var(--_line);
  }
  .replies {
    margin-inline-start: clamp(.75rem, 4%, 2rem);
    padding-inline-start: .75rem;
    border-inline-start: 2px solid var(--_line);
  }
  .replies .c {
    border-block-start: 0;
  }
  .meta {
    margin: 0 0 .25rem;
  }
  .meta .muted {
    margin-inline-start: .5rem;
  }
  .badge {
    font-size: .8em;
    padding-inline: .4rem;
    border: 1px solid var(--_accent);
    border-radius: 1rem;
  }
  .body p {
    margin: 0 0 .5rem;
    overflow-wrap: anywhere;
  }
  .note {
    border-inline-start: 4px solid var(--_accent);
    padding-inline-start: .75rem;
  }
  .fresh {
    inline-size: 100%;
    margin-block-end: .5rem;
  }
  .report fieldset {
    border: 0;
    padding: 0;
  }
  .opt {
    display: flex;
    gap: .5rem;
    align-items: center;
    min-block-size: 2rem;
  }
  .link {
    border: 0;
    padding: 0;
    min-block-size: 2rem;
    text-decoration: underline;
  }
  .more {
    margin-block-start: var(--_gap);
  }
`;
