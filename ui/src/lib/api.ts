// The only module that calls into the Rust side. Every command rejects with an ErrorPayload
// ({ code, message }); callers branch on `code`, never on the wording.
import { invoke } from "@tauri-apps/api/core";
import type { AppStatus } from "./bindings/AppStatus";
import type { ErrorPayload } from "./bindings/ErrorPayload";

export type { AppStatus, ErrorPayload };

function asPayload(e: unknown): ErrorPayload {
  if (e && typeof e === "object" && "code" in e && "message" in e) return e as ErrorPayload;
  return { code: "app.internal", message: String(e) };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw asPayload(e);
  }
}

export const api = {
  appStatus: () => call<AppStatus>("app_status"),
};
