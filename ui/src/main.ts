import "@fontsource-variable/noto-sans-sc/wght.css";
import "./styles/global.css";
import { mount } from "svelte";
import App from "./App.svelte";

// An error that escapes every screen is shown, not swallowed: a blank window helps nobody.
function show(message: string) {
  const box = document.getElementById("fatal") ?? document.body.appendChild(Object.assign(document.createElement("pre"), { id: "fatal" }));
  box.textContent = message;
}
window.addEventListener("error", (e) => show(`${e.message}\n${e.error?.stack ?? ""}`));
window.addEventListener("unhandledrejection", (e) => show(String(e.reason?.message ?? JSON.stringify(e.reason))));

(window as unknown as Record<string, unknown>).__shiliuStage = "mounting";
try {
  mount(App, { target: document.getElementById("app")! });
  (window as unknown as Record<string, unknown>).__shiliuStage = "mounted";
} catch (e) {
  (window as unknown as Record<string, unknown>).__shiliuStage = `failed: ${e}`;
  show(String((e as Error)?.stack ?? e));
}
