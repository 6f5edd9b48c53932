import { defineConfig, type Plugin } from 'vite';
import type { OutputChunk } from 'rolldown';
import minifyLiterals from 'rollup-plugin-minify-template-literals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const widgets = {
  poll: 'src/widgets/poll/define.ts',
  comments: 'src/widgets/comments/define.ts',
  'comment-count': 'src/widgets/comments/define-count.ts',
  consultation: 'src/widgets/consultation/define.ts',
  'project-map': 'src/widgets/project-map/define.ts',
};

/**
 * The loader imports a widget, whose code then imports Lit and the core: two round trips before
 * any data. This rewrites each `import('./poll.js')` in the loader to import the widget's static
 * dependencies at the same time, so the chain stays loader → widget module → data.
 */
function flattenLoaderImports(): Plugin {
  return {
    name: 'civic-flatten-loader-imports',
    generateBundle(_, bundle) {
      const loader = bundle['civic.js'] as OutputChunk;
      let rewritten = 0;
      loader.code = loader.code.replace(/import\((["'`])\.\/([^"'`]+)\1\)/g, (all, q: string, file: string) => {
        const deps = (bundle[file] as OutputChunk | undefined)?.imports ?? [];
        if (!deps.length) return all;
        rewritten++;
        const imports = [file, ...deps].map((f) => `import(${q}./${f}${q})`).join(',');
        return `Promise.all([${imports}]).then(m=>m[0])`;
      });
      if (!rewritten) this.error('civic.js: found no widget import to flatten; did the loader change?');
    },
  };
}

/**
 * maplibre-gl 6 starts its worker from `maplibre-gl-worker.mjs` beside its own module
 * (`new URL('./maplibre-gl-worker.mjs', import.meta.url)`): the chunk maplibre lands in needs that
 * file next to it. Only chunks import maplibre, so it goes into chunks/.
 */
function maplibreWorker(): Plugin {
  return {
    name: 'civic-maplibre-worker',
    generateBundle(_, bundle) {
      const chunk = Object.values(bundle).find((c) => c.type === 'chunk' && /maplibre-gl-worker\.mjs/.test(c.code));
      if (!chunk) return this.error('found no chunk that starts the maplibre worker; did maplibre-gl change?');
      const dir = chunk.fileName.includes('/') ? chunk.fileName.replace(/[^/]+$/, '') : '';
      this.emitFile({ type: 'asset', fileName: dir + 'maplibre-gl-worker.mjs', source: readFileSync(require.resolve('maplibre-gl/dist/maplibre-gl-worker.mjs')) });
    },
  };
}

/** Modules every widget loads: Lit and the static core (lazy parts like outbox/errors stay out). */
const CORE =
  /[\\/]node_modules[\\/](lit[\\/]index|lit-html[\\/]lit-html|lit-element[\\/]lit-element|@lit[\\/]reactive-element[\\/](reactive-element|css-tag)|@lit[\\/]context[\\/](index|lib[\\/](context-request-event|create-context)))\.js$|[\\/]src[\\/]core[\\/](civic-element|api-client|config-context|participant|page-defaults|page-url|define|i18n[\\/](index|en)|styles[\\/]tokens)\.ts$/;

/**
 * Bytes Lit ships that no resident uses: long messages for developer mistakes (a bad `css` value)
 * and the `lit*Versions` globals that only Lit's dev tools read. Each pattern must match, so a Lit
 * upgrade that changes them fails the build instead of silently shipping them again.
 */
function trimLit(): Plugin {
  const edits: [RegExp, RegExp, string][] = [
    [/@lit[\\/]reactive-element[\\/]css-tag\.js$/, /Error\("CSSResult is not constructable[^"]*"\)/, 'Error("CSSResult")'],
    [/@lit[\\/]reactive-element[\\/]css-tag\.js$/, /Error\("Value passed to 'css' function[^"]*"\+(\w+)\+"[^"]*"\)/, 'Error("css: "+$1)'],
    [/@lit[\\/]reactive-element[\\/]reactive-element\.js$/, /\(\w+\.reactiveElementVersions\?\?=\[\]\)\.push\("[\d.]+"\)/, '0'],
    [/lit-html[\\/]lit-html\.js$/, /\(\w+\.litHtmlVersions\?\?=\[\]\)\.push\("[\d.]+"\)/, '0'],
    [/lit-element[\\/]lit-element\.js$/, /\(\w+\.litElementVersions\?\?=\[\]\)\.push\("[\d.]+"\)/, '0'],
  ];
  return {
    name: 'civic-trim-lit',
    transform(code, id) {
      let out = code;
      for (const [file, re, to] of edits) {
        if (!file.test(id)) continue;
        if (!re.test(out)) this.error(`${id}: ${re} no longer matches; did Lit change?`);
        out = out.replace(re, to);
      }
      return out === code ? null : { code: out, map: null };
    },
  };
}

/** The staff console's page and stylesheet, beside its bundle in dist/admin. */
function adminPage(): Plugin {
  return {
    name: 'civic-admin-page',
    generateBundle() {
      for (const f of ['index.html', 'page.css']) this.emitFile({ type: 'asset', fileName: f, source: readFileSync(`src/admin/${f}`) });
    },
  };
}

/** `vite build --mode admin`: the staff console, its own bundle in dist/admin (never in dist/cdn). */
const adminBuild = {
  // The project form's location picker is the map widget's own map: maplibre's worker file comes along.
  plugins: [minifyLiterals({ options: { minifyOptions: { conservativeCollapse: true } } }) as Plugin, adminPage(), maplibreWorker()],
  build: {
    outDir: 'dist/admin',
    target: 'es2022',
    lib: { entry: { admin: 'src/admin/main.ts' }, formats: ['es' as const] },
    rolldownOptions: {
      output: { minify: true, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
};

/**
 * Two builds from one source:
 * - `cdn` (default): what a host page loads. `civic.js` is the loader; each widget is an entry of
 *   its own (`poll.js`) that the loader imports on demand; Lit and the core land in shared chunks.
 *   CSS and HTML inside Lit templates are minified too: they are most of our bytes.
 * - `npm` (`vite build --mode npm`): ES modules for bundler users, Lit left as a peer dependency.
 * (`--mode admin` builds the staff console apart: see adminBuild.)
 */
export default defineConfig(({ mode }) =>
  mode === 'admin'
    ? adminBuild
    : mode === 'npm'
    ? {
        build: {
          outDir: 'lib',
          target: 'es2022',
          lib: { entry: { index: 'src/index.ts', config: 'src/core/define-config.ts', ...widgets }, formats: ['es'] },
          rolldownOptions: {
            // maplibre-gl and pmtiles stay dependencies; maplibre's CSS (`?inline`) is bundled as a string.
            external: [/^lit/, /^@lit\//, /^maplibre-gl$/, /^pmtiles$/],
            output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
          },
        },
      }
    : {
        // conservativeCollapse: a run of spaces becomes one, never none (` <b>(…)</b>` keeps its space).
        plugins: [minifyLiterals({ options: { minifyOptions: { conservativeCollapse: true, removeAttributeQuotes: true } } }) as Plugin, trimLit(), flattenLoaderImports(), maplibreWorker()],
        build: {
          outDir: 'dist/cdn',
          target: 'es2022',
          lib: { entry: { civic: 'src/loader.ts', ...widgets }, formats: ['es'] },
          rolldownOptions: {
            output: {
              minify: true,
              // Pure annotations are for bundlers; in minified files they are only bytes.
              comments: false,
              entryFileNames: '[name].js',
              chunkFileNames: 'chunks/[name]-[hash].js',
              // Lit and the core every widget needs in one file: each extra file a widget loads
              // costs its own gzip header and dictionary (left to itself, rolldown may split i18n out).
              codeSplitting: { groups: [{ name: 'civic-element', test: CORE }] },
            },
          },
        },
      },
);
