// custom-elements.json documents the public API (attributes, events, parts, CSS properties)
// from the JSDoc on each element; editors and IDEs read it.
export default {
  globs: ['src/**/*.ts'],
  // The staff console is an app of its own, not part of the widgets' public API.
  exclude: ['src/core/i18n/[a-z][a-z].ts', 'src/admin/**'],
  litelement: true,
  outdir: '.',
  plugins: [
    {
      // The analyzer also guesses event names from `dispatchEvent(new X(arg))`; only the documented
      // `civic-*` events are public.
      name: 'public-api-only',
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules)
          for (const d of mod.declarations ?? []) {
            if (d.events) d.events = d.events.filter((e) => e.name?.startsWith('civic-'));
            // `static properties` lists internal state too; only public fields are attributes.
            const hidden = new Set((d.members ?? []).filter((m) => m.privacy && m.privacy !== 'public').map((m) => m.name));
            if (d.attributes) d.attributes = d.attributes.filter((a) => !hidden.has(a.fieldName));
          }
      },
    },
  ],
};
