import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// Built into dist/console, which the station serves at "/". In development (`npx vite --config
// console/vite.config.ts`) the operator API of a local station is proxied, SSE included.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  plugins: [react()],
  build: {
    outDir: "../dist/console",
    emptyOutDir: true,
  },
  server: {
    proxy: { "/api": { target: "http://127.0.0.1:7080", changeOrigin: false } },
  },
});
