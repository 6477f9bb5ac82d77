import type { Catalog } from "./lang.js";

/** Texts shared by every command. */
export const common = {
  es: {
    "common.debugHint": "(usa --debug para ver los detalles)",
  },
  en: {
    "common.debugHint": "(use --debug to see the details)",
  },
} as const satisfies Catalog<"common.debugHint">;
