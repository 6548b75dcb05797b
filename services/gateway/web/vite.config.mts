import { defineConfig } from 'vite';

// Built into dist/ next to this file; the gateway serves it as static files and answers any
// non-/api GET with index.html so /orders/<id> survives a reload.
export default defineConfig({
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: {
    // `npm run dev -w @hoptrace/storefront` against a running gateway.
    proxy: { '/api': process.env.HOPTRACE_GATEWAY_URL ?? 'http://localhost:8080' },
  },
});
