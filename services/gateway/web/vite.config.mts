import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const gateway = process.env.HOPTRACE_GATEWAY_URL ?? 'http://localhost:8080';
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// Built into dist/ next to this file; the gateway serves it as static files and answers any
// non-/api GET with index.html so /orders/<id> survives a reload.
export default defineConfig({
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  // The contracts' and the propagators' TypeScript source, not their CommonJS build: as ES modules
  // (zod's too) the bundle keeps only what the storefront uses of them.
  resolve: {
    alias: {
      '@hoptrace/contracts': fileURLToPath(new URL('../../../packages/contracts/src/index.ts', import.meta.url)),
      '@hoptrace/telemetry/propagators': fileURLToPath(new URL('../../../packages/telemetry/src/propagators.ts', import.meta.url)),
    },
  },
  // Resource attributes of the browser spans, fixed at build time (see src/build-info.d.ts).
  // HOPTRACE_ENVIRONMENT defaults as in docker-compose.yml, so browser and services agree.
  define: {
    __STOREFRONT_VERSION__: JSON.stringify(version),
    __HOPTRACE_ENVIRONMENT__: JSON.stringify(process.env.HOPTRACE_ENVIRONMENT ?? 'local'),
  },
  server: {
    // `npm run dev -w @hoptrace/storefront` against a running gateway; /otlp carries the browser spans.
    proxy: { '/api': gateway, '/otlp': gateway },
  },
});
