/**
 * The thread of a page with no `thread` attribute: its canonical URL (`<link rel=canonical>`, else
 * the location) without query or fragment, so one snippet in a CMS template gives each page its own.
 */
export function pageThreadKey(doc: Document = document): string {
  const url = new URL(doc.querySelector<HTMLLinkElement>('link[rel=canonical]')?.href || doc.location.href);
  url.search = url.hash = '';
  return url.href;
}
