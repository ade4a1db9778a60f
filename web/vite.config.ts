// Vite build of the agent app (/) and the customer portal (/portal/). `slovo serve` and the test
// runner build it on demand (web/build.ts); `npm run dev:web` serves it with a proxy to Slovo.
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = import.meta.dirname;
export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: process.env.SLOVO_WEB_DIST ? path.resolve(process.env.SLOVO_WEB_DIST) : path.join(here, 'dist'),
    emptyOutDir: true,
    sourcemap: false,
    // no inline scripts or module preload polyfill: the CSP allows only 'self'
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // .vite/manifest.json: which chunks the entry imports statically (bundle size test, web bench)
    manifest: true,
    rollupOptions: {
      input: { agent: path.join(here, 'index.html'), portal: path.join(here, 'portal/index.html') },
    },
  },
  server: { proxy: { '/api': process.env.SLOVO_URL ?? 'http://127.0.0.1:3000' } },
});
