// Message catalogs: simplified Chinese first, English available. Every UI string comes from
// here; components never hard-code text.
import zhCN from "../locales/zh-CN.json";
import en from "../locales/en.json";

export type Locale = "zh-CN" | "en";
type Catalog = Record<string, string>;

const catalogs: Record<Locale, Catalog> = { "zh-CN": zhCN, en };
const STORAGE_KEY = "shiliu.locale";

function initialLocale(): Locale {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  return saved === "en" || saved === "zh-CN" ? saved : "zh-CN";
}

let current = $state<Locale>(initialLocale());

export const i18n = {
  get locale(): Locale {
    return current;
  },
  set locale(value: Locale) {
    current = value;
    globalThis.localStorage?.setItem(STORAGE_KEY, value);
    document.documentElement.lang = value;
  },
};

/** Looks up `key` in the current catalog and fills `{name}` placeholders. */
export function t(key: string, params: Record<string, string | number> = {}): string {
  const text = catalogs[current][key] ?? catalogs["zh-CN"][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** A bilingual text from the Rust side ({ zh, en }) in the current language. */
export function tipText(tip: { zh: string; en: string }): string {
  return current === "en" ? tip.en : tip.zh;
}

/** A sound as a teacher reads it: pinyin, but the zero initial and the tones in words. */
export function soundLabel(kind: string, name: string | null): string {
  if (name === null) return "—";
  if (kind === "initial" && name === "zero") return t("sound.zero_initial");
  if (kind === "tone" && /^[1-5]$/.test(name)) return t(`sound.tone${name}`);
  return name;
}
