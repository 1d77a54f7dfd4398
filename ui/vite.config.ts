import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The UI is served by the Tauri shell from dist/ (no dev server in tests or releases).
export default defineConfig({
  plugins: [svelte()],
  base: "./",
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK 2.40+ on Linux, WebView2 on Windows.
    target: "es2021",
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 800,
  },
});
