import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

// The dashboard builds into dist/web, which the server serves at `/`; POSGUARD_WEB_OUT overrides (tests).
export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: process.env['POSGUARD_WEB_OUT'] ?? resolve(here, '..', 'dist', 'web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
