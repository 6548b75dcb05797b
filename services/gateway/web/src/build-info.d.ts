/** Replaced at build time by vite.config.mts `define`. */
declare const __STOREFRONT_VERSION__: string;
declare const __HOPTRACE_ENVIRONMENT__: string;
