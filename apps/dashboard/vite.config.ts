import { defineConfig } from 'vite';

// A static build the API serves at `/`: relative asset paths, so it also works under a prefix.
export default defineConfig({
  root: 'src',
  base: './',
  publicDir: false,
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    // The tree-shaken ECharts chunk is ~640 kB (215 kB gzipped), loaded once from this origin.
    chunkSizeWarningLimit: 700,
    // ECharts is the bulk of the bundle; a separate chunk caches across dashboard releases.
    rolldownOptions: {
      output: {
        advancedChunks: {
          groups: [{ name: 'echarts', test: /node_modules[\\/](echarts|zrender)/ }],
        },
      },
    },
  },
  server: {
    // `npm run dev`: the API runs on its own port (npm start); proxy its routes.
    proxy: { '/v1': process.env.NEWSCELL_API_URL ?? 'http://127.0.0.1:3000' },
  },
});
