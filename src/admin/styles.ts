import { css } from 'lit';
import { base } from '../core/styles/tokens.ts';

/** The widgets' tokens and controls, plus what the console's forms, tables and layout need. */
export const consoleStyles = [
  base,
  css`
    :host {
      min-block-size: 0;
    }
    a {
      color: var(--_accent);
    }
    label,
    legend {
      font-weight: 600;
    }
    input,
    select,
    textarea {
      font: inherit;
      color: inherit;
      background: var(--_bg);
      border: 1px solid var(--_muted);
      border-radius: var(--_radius);
      padding: 0.5rem 0.6rem;
      min-block-size: 2.75rem;
      max-inline-size: 100%;
    }
    input[type='checkbox'],
    input[type='radio'] {
      min-block-size: 1.25rem;
      inline-size: 1.25rem;
      accent-color: var(--_accent);
    }
    .field {
      display: flex;
      flex-direction: column;
      gap: 0.25rem;
      margin-block-end: 1rem;
    }
    .check {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      margin-block-end: 1rem;
      font-weight: normal;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: end;
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: end;
      margin-block-end: 1rem;
    }
    table {
      border-collapse: collapse;
      inline-size: 100%;
    }
    th,
    td {
      text-align: start;
      padding: 0.5rem;
      border-block-end: 1px solid var(--_line);
      vertical-align: top;
    }
    td.num,
    th.num {
      text-align: end;
      font-variant-numeric: tabular-nums;
    }
    .table-wrap {
      overflow-x: auto;
    }
    .error {
      color: var(--_danger);
    }
    .note {
      color: var(--_muted);
      font-size: 0.95em;
    }
    .status {
      display: inline-block;
      padding: 0 0.5rem;
      border: 1px solid currentColor;
      border-radius: 1rem;
    }
    pre {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      padding: 0.75rem;
      border: 1px solid var(--_line);
      border-radius: var(--_radius);
    }
    h1 {
      font-size: 1.6rem;
      margin: 0 0 1rem;
    }
    h2 {
      font-size: 1.25rem;
    }
    button.link {
      border: 0;
      background: none;
      text-decoration: underline;
      padding-inline: 0.25rem;
    }
    @media (forced-colors: active) {
      input,
      select,
      textarea,
      .status {
        border-color: CanvasText;
      }
      :focus-visible {
        outline-color: Highlight;
      }
    }
  `,
];
