import { defineConfig } from 'vite';

// Relative asset paths: the same dist/ is served at any path by nginx
export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true },
});
