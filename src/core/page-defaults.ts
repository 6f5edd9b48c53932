/** Page-wide defaults the loader reads from its script tag; shared through a global symbol so two copies agree. */
export interface PageDefaults {
  api?: string;
}
export const pageDefaults = (): PageDefaults =>
  ((globalThis as Record<symbol, PageDefaults>)[Symbol.for('civic-widgets.defaults')] ??= {});
