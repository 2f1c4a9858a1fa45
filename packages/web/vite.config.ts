import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The portal web app. Built into dist/ and served by the hub at `/` (API at `/api/v1`, same origin).
 * `vite dev` proxies /api to a hub on 127.0.0.1:8100 (HUB_URL overrides).
 */
export default defineConfig({
  plugins: [react()],
  resolve: {
    // Cornerstone3D pulls xmlbuilder2 (Node-only) for mesh readers the viewer never uses (src/images/xmlbuilder2-stub.ts).
    alias: { xmlbuilder2: fileURLToPath(new URL('./src/images/xmlbuilder2-stub.ts', import.meta.url)) },
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env.HUB_URL ?? 'http://127.0.0.1:8100', changeOrigin: false } },
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    // The image viewer's engine (Cornerstone3D, about 1 MB gzip) is a lazy chunk of its own; the first
    // page's JavaScript is measured by bench/web (≤ 500 KB gzip).
    chunkSizeWarningLimit: 3800,
  },
});
