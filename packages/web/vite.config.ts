import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The portal web app. Built into dist/ and served by the hub at `/` (API at `/api/v1`, same origin).
 * `vite dev` proxies /api to a hub on 127.0.0.1:8100 (HUB_URL overrides).
 */
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env.HUB_URL ?? 'http://127.0.0.1:8100', changeOrigin: false } },
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 900,
  },
});
