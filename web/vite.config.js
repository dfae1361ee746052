// vite.config.js — builds the UI in web/ into web/dist: templates precompiled (so the CSP needs
// no 'unsafe-eval'), content-hashed names under assets/, Element Plus components and their
// styles imported per component (UI.md "Build"), pages split per route.
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

const root = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  root,
  base: '/',
  // Several dev servers at once (one per engineer) need their own optimizer cache.
  cacheDir: process.env.SHOUHOU_VITE_CACHE || undefined,
  plugins: [
    vue(),
    Components({
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: false,
      dirs: [],
    }),
  ],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1200,
    // A module-preload polyfill would be an inline script; every browser we serve has it.
    modulePreload: { polyfill: false },
    // No manualChunks: grouping Element Plus by hand defeats its tree-shaking (the whole
    // library, 340 kB gzip, was shipped); Rollup's own split keeps pages and ECharts apart.
  },
  server: {
    port: 5173,
    // SHOUHOU_API=http://127.0.0.1:PORT npm run web:dev — pages against a running server.
    proxy: { '/api': { target: process.env.SHOUHOU_API || 'http://127.0.0.1:8080', changeOrigin: false } },
  },
})
