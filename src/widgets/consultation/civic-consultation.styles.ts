import { css } from 'lit';
import { barStyles } from '../../core/bars.ts';

/**
 * A compact card for a 320 px column. While loading and while asking it is exactly
 * `--civic-min-block-size` tall (default 16rem, 20rem on narrow screens: what the loader
 * reserves), so the article around it does not move; a longer question grows it.
 */
export const consultationStyles = [
  barStyles,
  css`
    :host {
      --_h: var(--civic-min-block-size, 16rem);
      container-type: inline-size;
    }
    @media (max-width: 30em) {
      :host {
        --_h: var(--civic-min-block-size, 20rem);
      }
    }
    :host,
    .busy {
      min-block-size: var(--_h);
    }
    .base:has(> .ask) {
      display: flex;
      flex-direction: column;
      min-block-size: var(--_h);
    }
    /* "Not now" beside the privacy line, which flows around it. */
    .foot {
      display: flow-root;
      margin-block-start: auto;
    }
    .foot button {
      float: inline-end;
      margin-inline-start: 0.5rem;
    }
    .foot p {
      margin: 0;
    }
    .q {
      font-size: 1.125em;
      font-weight: 700;
      line-height: 1.3;
      padding: 0;
      margin-block-end: 0.5rem;
    }
    fieldset {
      border: 0;
      padding: 0;
      min-inline-size: 0;
    }
    .opts {
      display: flex;
      gap: 0.125rem;
    }
    .choice {
      flex-direction: column;
      gap: 0.5rem;
    }
    /* A row of equal cells (yes/no, scale, faces): the radio is the whole cell, drawn by its label. */
    .opts label {
      flex: 1 1 0;
      min-inline-size: 0;
      position: relative;
      display: flex;
      flex-direction: column;
      align-items: center;
      justify-content: center;
      min-block-size: 2.75rem;
      padding: 0.25rem 0;
      border: 1px solid var(--_line);
      border-radius: var(--_radius);
      text-align: center;
      line-height: 1.2;
      hyphens: auto;
      overflow-wrap: anywhere;
      cursor: pointer;
    }
    .opts input {
      position: absolute;
      inset: 0;
      inline-size: 100%;
      block-size: 100%;
      margin: 0;
      opacity: 0;
      cursor: pointer;
    }
    .choice label {
      flex-direction: row;
      justify-content: start;
      gap: 0.5rem;
      padding-inline: 0.75rem;
      text-align: start;
    }
    .choice input {
      position: static;
      inline-size: 1.25rem;
      block-size: 1.25rem;
      opacity: 1;
      accent-color: var(--_accent);
    }
    .opts label:has(:checked) {
      border-color: var(--_accent);
      box-shadow: inset 0 0 0 1px var(--_accent);
      background: color-mix(in srgb, var(--_accent) 10%, var(--_bg));
    }
    :not(.choice) > label:has(:focus-visible) {
      outline: 3px solid var(--_accent);
      outline-offset: 2px;
    }
    .face {
      font-size: 1.5em;
      line-height: 1.1;
    }
    .t {
      font-size: 0.75rem;
    }
    .ends {
      display: flex;
      gap: 0.5rem;
      line-height: 1.2;
    }
    .ends span {
      flex: 1;
    }
    .ends :nth-child(2) {
      flex: none;
      max-inline-size: 40%;
      text-align: center;
    }
    .ends :last-child {
      text-align: end;
    }
    a {
      color: var(--_accent);
    }
    .small {
      font-size: 0.75rem;
    }
    textarea,
    select {
      display: block;
      inline-size: 100%;
      min-block-size: 2.75rem;
      padding: 0.5rem;
      font: inherit;
      color: inherit;
      background: var(--_bg);
      border: 1px solid var(--_line);
      border-radius: var(--_radius);
    }
    .more {
      margin-block-end: var(--_gap);
    }
    .more label {
      display: block;
      margin-block: 0.5rem 0.25rem;
    }
    .counter {
      display: block;
      margin-block: 0.25rem 0.5rem;
    }
    .acts {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
    }
    .thanks,
    .rh {
      font-weight: 700;
    }
    .outcome {
      border-inline-start: 4px solid var(--_accent);
      padding-inline-start: 0.75rem;
      margin-block-start: var(--_gap);
    }
    .outcome p {
      margin-block-end: 0.25rem;
    }
    .new {
      padding-inline: 0.375rem;
      border-radius: var(--_radius);
      background: var(--_accent);
      color: var(--_on-accent);
      font-size: 0.8125rem;
    }
    /* A 320 px screen (last: it overrides the rules above): tighter, and a face's label breaks between words, not inside one. */
    @container (max-width: 20rem) {
      .base {
        --_gap: 0.75rem;
      }
      .q {
        font-size: 1em;
      }
      .emoji label {
        flex: 1 1 auto;
        min-inline-size: min-content;
        overflow-wrap: normal;
      }
      .emoji .t {
        font-size: 0.6875rem;
      }
      .foot button {
        float: none;
        margin: 0 0 0.5rem;
      }
    }
    .ask {
      flex: 1;
      display: flex;
      flex-direction: column;
    }
    @media (forced-colors: active) {
      .opts label:has(:checked) {
        border: 3px solid Highlight;
      }
      .new {
        border: 1px solid;
      }
    }
  `,
];
