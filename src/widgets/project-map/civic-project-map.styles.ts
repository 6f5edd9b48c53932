import { css } from 'lit';

/**
 * The widget is exactly `--_h` tall (the `height` attribute, 32rem by default): what the loader
 * reserved, so nothing on the page moves when the code, the data or the map arrive. The list
 * scrolls inside. Wide: the list beside the map; narrow: below it. The map comes first in the
 * document too, so the focus order is the visual order (Tab goes from the map to the list).
 */
export const projectMapStyles = css`
  :host,
  .busy {
    min-block-size: var(--civic-min-block-size, var(--_h, 32rem));
  }
  .base:not(.busy) {
    display: flex;
    flex-direction: column;
    block-size: var(--_h, 32rem);
    padding: 0.75rem;
    container-type: inline-size;
  }
  .top {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }
  .title {
    margin: 0;
    font-size: 1.25em;
    flex: 1 0 auto;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
    background: var(--_bg);
    border: 1px solid var(--_muted);
    border-radius: var(--_radius);
    padding: 0.4rem 0.5rem;
    min-block-size: 2.75rem;
  }
  .search {
    flex: 2 1 12rem;
  }
  summary {
    cursor: pointer;
    margin-block-start: 0.5rem;
  }
  .filter-grid {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 1.5rem;
  }
  fieldset {
    border: 0;
    padding: 0;
    margin: 0;
    min-inline-size: 0;
  }
  legend {
    font-weight: 700;
  }
  .opt {
    display: flex;
    align-items: center;
    gap: 0.4rem;
    min-block-size: 2rem;
  }
  .opt input {
    min-block-size: 0;
    margin: 0;
  }
  .icon {
    inline-size: 1.5rem;
    block-size: 1.5rem;
    flex: none;
  }
  .swatch {
    inline-size: 2rem;
    block-size: 1rem;
    vertical-align: middle;
    flex: none;
  }
  .body {
    flex: 1;
    min-block-size: 0;
    display: grid;
    grid-template-rows: 1fr 1fr;
    gap: 0.5rem;
  }
  .side {
    overflow: auto;
    min-block-size: 0;
  }
  .map {
    position: relative;
    min-block-size: 0;
    border-radius: var(--_radius);
    overflow: hidden;
    border: 1px solid var(--_line);
  }
  .body.list-only {
    grid-template-rows: auto 1fr;
  }
  .nomap {
    overflow: visible;
    border: 0;
  }
  @container (min-width: 42rem) {
    .body {
      grid-template-rows: none;
      grid-template-columns: 3fr minmax(14rem, 2fr);
    }
    .body.list-only {
      grid-template-columns: 1fr 1fr;
    }
  }
  /* More specific than maplibre's own .maplibregl-map { position: relative }. */
  .map > .canvas {
    position: absolute;
    inset: 0;
  }
  .nomap .canvas {
    display: none;
  }
  .cover {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    background: var(--_line);
  }
  .note {
    margin: 0;
    padding: 0.75rem;
    border-inline-start: 4px solid var(--_accent);
    background: var(--_bg);
  }
  .list {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  .item {
    display: flex;
    gap: 0.5rem;
    inline-size: 100%;
    text-align: start;
    padding: 0.5rem;
    border: 0;
    border-block-end: 1px solid var(--_line);
    border-radius: 0;
    color: var(--_fg);
    background: none;
  }
  .item[aria-current='true'] {
    background: color-mix(in srgb, var(--_accent) 12%, transparent);
    box-shadow: inset 4px 0 var(--_accent);
  }
  .text {
    display: grid;
  }
  .more {
    margin-block: 0.5rem;
  }
  .meta {
    color: var(--_muted);
    font-size: 0.9em;
  }
  .panel {
    position: absolute;
    inset-block: 0;
    inset-inline-end: 0;
    inline-size: min(100%, 24rem);
    overflow: auto;
    padding: 0.75rem;
    background: var(--_bg);
    border-inline-start: 1px solid var(--_line);
    z-index: 3;
  }
  .nomap .panel {
    position: static;
    inline-size: auto;
    border: 0;
  }
`;
