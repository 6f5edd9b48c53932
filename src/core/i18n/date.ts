// Not in the core chunk: only some widgets format dates, and each module lands in the chunk
// of exactly the widgets that import it (no extra file; the project map downloads none of it).

export const formatDate = (iso: string, locale: string) =>
  new Date(iso).toLocaleDateString(locale, { dateStyle: 'long' } as Intl.DateTimeFormatOptions);
