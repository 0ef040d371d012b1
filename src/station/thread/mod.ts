/**
 * A line's thread as people read it: the log and arrivals with receipts, acknowledgements and
 * translations attached; translations themselves.
 *
 * This file is the folder's only door (see docs/DESIGN.md, the map).
 *
 * @module
 */
export { arrivalsOf, logOf } from "./log.js";
export {
  TRANSLATABLE_KINDS,
  machineTranslate,
  translateEntry,
  translationsByOriginal,
  translationsOf,
} from "./translations.js";
export type { MachineTranslator, TranslationRequest } from "./translations.js";
