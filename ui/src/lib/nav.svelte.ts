// Which screen is showing, and who is logged in. A tiny router: the app has no URLs.
import type { StudentCard, ItemView } from "./api";

export type Screen =
  | { name: "start" }
  | { name: "first-run" }
  | { name: "map" }
  | { name: "practice"; items: ItemView[]; index: number; title: string }
  | { name: "teacher"; tab?: string }
  | { name: "psc" }
  | { name: "settings" }
  | { name: "sync" };

class Nav {
  screen = $state<Screen>({ name: "start" });
  student = $state<StudentCard | null>(null);
  /** The class chosen on the start screen (teacher views use it too). */
  classId = $state<string | null>(null);

  go(screen: Screen) {
    this.screen = screen;
  }

  logOut() {
    this.student = null;
    this.screen = { name: "start" };
  }
}

export const nav = new Nav();
