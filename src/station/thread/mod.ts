export { arrivalsOf, logOf } from "./log.js";
export {
  TRANSLATABLE_KINDS,
  machineTranslate,
  translateEntry,
  translationsByOriginal,
  translationsOf,
} from "./translations.js";
export type { MachineTranslator, TranslationRequest } from "./translations.js";
