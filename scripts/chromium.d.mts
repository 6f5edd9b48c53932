// Types for scripts/chromium.mjs, so TypeScript tests can import it.
export declare const chromiumArgs: string[];
export declare function findChromium(): string | undefined;
export declare function ensureChromium(): string;
