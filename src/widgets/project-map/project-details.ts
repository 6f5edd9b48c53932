import { css, html, nothing, type TemplateResult } from 'lit';
import type { ProjectMapStrings } from './i18n/index.ts';
import type { ProjectDetails } from './project-map.types.ts';

export interface DetailsOptions {
  project: ProjectDetails;
  /** Category and status with their legend marks, and the dates, as the list shows them. */
  tags: TemplateResult[];
  when: string;
  s: ProjectMapStrings;
  /** The comment thread under the project, when the site has them (`project:<id>`). */
  comments?: { api: string; site: string };
  close(): void;
}

/** Adopted by the map widget's shadow root when details are first shown. */
export const detailsStyles = css`
  .panel-head {
    display: flex;
    justify-content: space-between;
    align-items: start;
    gap: 0.5rem;
  }
  .panel h3 {
    margin: 0;
  }
  .tags {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 1rem;
  }
  .tag {
    display: inline-flex;
    align-items: center;
    gap: 0.3rem;
  }
  dl {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0.25rem 0.75rem;
    margin: 0 0 0.75rem;
  }
  dt {
    font-weight: 700;
  }
  dd {
    margin: 0;
  }
  .desc {
    white-space: pre-line;
  }
  a {
    color: var(--_accent);
  }
`;

/** Only http(s) links are made clickable: anything else (javascript:, data:) stays text. */
const safeLink = (url: string | null) => (url && /^https?:\/\//i.test(url) ? url : undefined);

/** A project in full, in a panel beside the map (not a popup), with its comments when enabled. */
export function renderDetails(o: DetailsOptions) {
  const { project: f, s } = o;
  const p = f.properties;
  const link = safeLink(p.link);
  return html`<article class="details" part="details" aria-labelledby="pd-title"
    ><div class="panel-head"
      ><h3 id="pd-title" dir="auto" tabindex="-1">${p.title}</h3
      ><button type="button" class="close" @click=${o.close}>${s.close}</button></div
    ><p class="tags">${o.tags.map((t) => html`<span class="tag">${t}</span>`)}</p
    ><dl
      ><dt>${s.dates}</dt><dd>${o.when}</dd
      >${p.address ? html`<dt>${s.address}</dt><dd dir="auto">${p.address}</dd>` : nothing}${p.contact
        ? html`<dt>${s.contact}</dt><dd dir="auto">${p.contact}</dd>`
        : nothing}</dl
    ><p class="desc" dir="auto">${p.description}</p
    >${link ? html`<p><a href=${link} target="_blank" rel="noopener noreferrer">${s.moreInfo}</a></p>` : nothing}${o.comments
      ? html`<civic-comments thread=${'project:' + f.id} site=${o.comments.site} .api=${o.comments.api} heading-level="4"></civic-comments>`
      : nothing}</article
  >`;
}
