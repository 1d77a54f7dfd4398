// The only module that calls into the Rust side. Every command rejects with an ErrorPayload
// ({ code, message }); callers branch on `code`, never on the wording.
import { Channel, invoke } from "@tauri-apps/api/core";
import type { AppStatus } from "./bindings/AppStatus";
import type { AttemptOutcome } from "./bindings/AttemptOutcome";
import type { ClassView } from "./bindings/ClassView";
import type { ConfusionView } from "./bindings/ConfusionView";
import type { ErrorPayload } from "./bindings/ErrorPayload";
import type { HeatmapView } from "./bindings/HeatmapView";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ItemView } from "./bindings/ItemView";
import type { NextItemView } from "./bindings/NextItemView";
import type { PscPartTally } from "./bindings/PscPartTally";
import type { PscScore } from "./bindings/PscScore";
import type { RecorderEvent } from "./bindings/RecorderEvent";
import type { RetentionForm } from "./bindings/RetentionForm";
import type { SchoolState } from "./bindings/SchoolState";
import type { ScoreResult } from "./bindings/ScoreResult";
import type { SettingsView } from "./bindings/SettingsView";
import type { SetupRequest } from "./bindings/SetupRequest";
import type { StudentCard } from "./bindings/StudentCard";
import type { StudentForm } from "./bindings/StudentForm";
import type { StudentReport } from "./bindings/StudentReport";
import type { UnitProgressView } from "./bindings/UnitProgressView";
import type { SyncView } from "./bindings/SyncView";
import type { ImportPreview } from "./bindings/ImportPreview";
import type { ExportDone } from "./bindings/ExportDone";
import type { JoinFileView } from "./bindings/JoinFileView";
import type { ConflictItem } from "./bindings/ConflictItem";
import type { HubView } from "./bindings/HubView";

export type {
  SyncView,
  ImportPreview,
  ExportDone,
  JoinFileView,
  ConflictItem,
  HubView,
  AppStatus,
  AttemptOutcome,
  ClassView,
  ConfusionView,
  ErrorPayload,
  HeatmapView,
  ImportProgress,
  ItemView,
  NextItemView,
  PscPartTally,
  PscScore,
  RecorderEvent,
  SchoolState,
  ScoreResult,
  SettingsView,
  StudentCard,
  StudentForm,
  StudentReport,
  UnitProgressView,
};

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

function channel<T>(on: (m: T) => void): Channel<T> {
  const c = new Channel<T>();
  c.onmessage = on;
  return c;
}

export const api = {
  appStatus: () => call<AppStatus>("app_status"),
  schoolState: () => call<SchoolState>("school_state"),
  setUpSchool: (request: SetupRequest) => call<SchoolState>("set_up_school", { request }),
  addClass: (name: string, grade: number | null) => call<ClassView>("add_class", { name, grade }),
  classStudents: (cls: string) => call<StudentCard[]>("class_students", { class: cls }),
  addStudent: (cls: string, form: StudentForm) => call<StudentCard>("add_student", { class: cls, form }),
  editStudent: (student: string, form: StudentForm) => call<StudentCard>("edit_student", { student, form }),
  removeStudent: (student: string) => call<void>("remove_student", { student }),
  logIn: (student: string, pin: string | null) => call<StudentCard>("log_in", { student, pin }),

  lessonMap: (student: string) => call<UnitProgressView[]>("lesson_map", { student }),
  unitItems: (unit: string) => call<ItemView[]>("unit_items", { unit }),
  nextItems: (student: string) => call<NextItemView[]>("next_items", { student }),
  /** `text`: the target, so a reader pausing between its syllables is not cut off. */
  startRecording: (on: (e: RecorderEvent) => void, text?: string) => call<void>("start_recording", { events: channel(on), text }),
  finishAttempt: (student: string, item: string) => call<AttemptOutcome>("finish_attempt", { student, item }),
  cancelRecording: () => call<void>("cancel_recording"),
  microphoneTest: () => call<ScoreResult>("microphone_test"),
  playItem: (item: string) => call<boolean>("play_item", { item }),
  hasItemAudio: (item: string) => call<boolean>("has_item_audio", { item }),
  passageParts: (item: string) => call<string[]>("passage_parts", { item }),
  finishPassagePart: (student: string, item: string, part: number) => call<AttemptOutcome>("finish_passage_part", { student, item, part }),
  pscItems: (part: number) => call<ItemView[]>("psc_items", { part }),
  scorePsc: (tallies: PscPartTally[]) => call<PscScore>("score_psc", { tallies }),

  classHeatmap: (cls: string) => call<HeatmapView>("class_heatmap", { class: cls }),
  classConfusions: (cls: string) => call<ConfusionView[]>("class_confusions", { class: cls }),
  assignUnit: (cls: string, unit: string, assigned: boolean) => call<void>("assign_unit", { class: cls, unit, assigned }),
  classAssignments: (cls: string) => call<string[]>("class_assignments", { class: cls }),
  studentReport: (student: string) => call<StudentReport>("student_report", { student }),
  playRecording: (student: string, recording: string) => call<void>("play_recording", { student, recording }),
  startReference: (on: (e: RecorderEvent) => void, text?: string) => call<void>("start_reference", { events: channel(on), text }),
  finishReference: (item: string) => call<number>("finish_reference", { item }),

  settings: () => call<SettingsView>("settings"),
  setMicrophone: (id: string | null) => call<void>("set_microphone", { id }),
  setRetention: (form: RetentionForm) => call<void>("set_retention", { form }),
  backupNow: () => call<string>("backup_now"),
  importModel: (on: (p: ImportProgress) => void) => call<boolean>("import_model", { progress: channel(on) }),

  // Sync. Folders and files are chosen in the system dialog on the Rust side; null = cancelled.
  syncView: () => call<SyncView>("sync_view"),
  createSchool: (name: string) => call<SyncView>("create_school", { name }),
  writeJoinFile: () => call<JoinFileView | null>("write_join_file"),
  joinSchool: (code: string) => call<SyncView | null>("join_school", { code }),
  exportBundle: () => call<ExportDone | null>("export_bundle"),
  previewImport: () => call<ImportPreview | null>("preview_import"),
  confirmImport: () => call<ImportPreview>("confirm_import"),
  conflicts: () => call<ConflictItem[]>("conflicts"),
  resolveConflict: (id: string, useLost: boolean) => call<void>("resolve_conflict", { id, useLost }),
  setHub: (url: string | null) => call<void>("set_hub", { url }),
  syncHubNow: () => call<HubView>("sync_hub_now"),
};
