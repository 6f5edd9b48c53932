import { LitElement, css, html, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { base } from '../../core/styles/tokens.ts';

export interface Point {
  label: string;
  value: number;
}

/**
 * A small line chart in SVG, drawn from data only (no library, no inline styles: the console runs
 * under a strict CSP). It is decorative for screen readers: the caller shows the same points in a table.
 */
@customElement('civic-admin-chart')
export class AdminChart extends LitElement {
  static styles = [
    base,
    css`
      :host {
        display: block;
        min-block-size: 0;
      }
      svg {
        inline-size: 100%;
        block-size: auto;
        max-block-size: 12rem;
      }
      .line {
        fill: none;
        stroke: var(--_accent);
        stroke-width: 2;
        vector-effect: non-scaling-stroke;
      }
      .dot {
        fill: var(--_accent);
      }
      .axis {
        stroke: var(--_line);
        vector-effect: non-scaling-stroke;
      }
      text {
        fill: var(--_muted);
        font-size: 10px;
      }
      @media (forced-colors: active) {
        .line {
          stroke: CanvasText;
        }
        .dot {
          fill: CanvasText;
        }
        .axis {
          stroke: GrayText;
        }
        text {
          fill: CanvasText;
        }
      }
    `,
  ];
  @property({ attribute: false }) points: Point[] = [];
  @property() label = '';

  render() {
    const w = 400;
    const h = 120;
    const pad = 24;
    const pts = this.points;
    const max = Math.max(1, ...pts.map((p) => p.value));
    const x = (i: number) => pad + (pts.length < 2 ? (w - 2 * pad) / 2 : (i * (w - 2 * pad)) / (pts.length - 1));
    const y = (v: number) => h - pad - (v / max) * (h - 2 * pad);
    const line = pts.map((p, i) => `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
    return html`<svg viewBox="0 0 ${w} ${h}" role="img" aria-label=${this.label}>
      ${svg`<line class="axis" x1=${pad} y1=${h - pad} x2=${w - pad} y2=${h - pad}></line>
        <line class="axis" x1=${pad} y1=${pad} x2=${pad} y2=${h - pad}></line>
        <text x="2" y=${pad + 4}>${max}</text><text x="2" y=${h - pad}>0</text>
        ${pts.length > 1 ? svg`<polyline class="line" points=${line}></polyline>` : ''}
        ${pts.map((p, i) => svg`<circle class="dot" cx=${x(i)} cy=${y(p.value)} r="3"></circle>`)}
        ${pts.length ? svg`<text x=${pad} y=${h - 6}>${pts[0].label}</text>` : ''}
        ${pts.length > 1 ? svg`<text x=${w - pad} y=${h - 6} text-anchor="end">${pts[pts.length - 1].label}</text>` : ''}`}
    </svg>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'civic-admin-chart': AdminChart;
  }
}
