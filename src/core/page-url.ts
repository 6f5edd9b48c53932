/**
 * The page's own address as content keys use it: its canonical URL (`<link rel=canonical>`, else
 * the location) without query or fragment, so one snippet in a CMS template gives each page its own
 * comment thread or targeted consultation.
 */
export function pageUrl(doc: Document = document): string {
  const url = new URL(doc.querySelector<HTMLLinkElement>('link[rel=canonical]')?.href || doc.location.href);
  url.search = url.hash = '';
  return url.href;
}
