import { defineConfig, type Plugin } from 'vite';
import type { OutputChunk } from 'rolldown';
import minifyLiterals from 'rollup-plugin-minify-template-literals';

const widgets = {
  poll: 'src/widgets/poll/define.ts',
  comments: 'src/widgets/comments/define.ts',
  'comment-count': 'src/widgets/comments/define-count.ts',
  consultation: 'src/widgets/consultation/define.ts',
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
 * Two builds from one source:
 * - `cdn` (default): what a host page loads. `civic.js` is the loader; each widget is an entry of
 *   its own (`poll.js`) that the loader imports on demand; Lit and the core land in shared chunks.
 *   CSS and HTML inside Lit templates are minified too: they are most of our bytes.
 * - `npm` (`vite build --mode npm`): ES modules for bundler users, Lit left as a peer dependency.
 */
export default defineConfig(({ mode }) =>
  mode === 'npm'
    ? {
        build: {
          outDir: 'lib',
          target: 'es2022',
          lib: { entry: { index: 'src/index.ts', config: 'src/core/define-config.ts', ...widgets }, formats: ['es'] },
          rolldownOptions: {
            external: [/^lit/, /^@lit\//],
            output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
          },
        },
      }
    : {
        // conservativeCollapse: a run of spaces becomes one, never none (` <b>(…)</b>` keeps its space).
        plugins: [minifyLiterals({ options: { minifyOptions: { conservativeCollapse: true } } }) as Plugin, flattenLoaderImports()],
        build: {
          outDir: 'dist/cdn',
          target: 'es2022',
          lib: { entry: { civic: 'src/loader.ts', ...widgets }, formats: ['es'] },
          rolldownOptions: {
            output: {
              minify: true,
              entryFileNames: '[name].js',
              chunkFileNames: 'chunks/[name]-[hash].js',
            },
          },
        },
      },
);
