/**
 * The thread of a page with no `thread` attribute: the page's URL (see core/page-url.ts).
 * Kept under its old name for code that imported it from here.
 */
export { pageUrl as pageThreadKey } from '../../core/page-url.ts';
