import { CivicConfigElement } from './civic-config.ts';
import { define } from './define.ts';

define('civic-config', CivicConfigElement);

// Bundling: the bundler puts modules that the same entries reach into one chunk. Reaching the core
// from here too (a page with a <civic-config> has widgets, which load the core anyway) makes Lit and
// the core one chunk instead of two, which every widget page downloads: about 300 B gzip less.
// A `vite.config.ts` chunk group for src/core and Lit would do the same; then this line can go.
export { CivicElement } from './civic-element.ts';
