/** Languages offered for a message or a translation; the operator's own is added when it is not among them. */
export const MESSAGE_LANGS: readonly string[] = ["en", "ru", "fr", "tr", "de", "es", "uk", "ar", "zh"];

/**
 * @param own the operator's language
 * @returns the languages to offer, the operator's own among them
 */
export function messageLangs(own: string): readonly string[] {
  return MESSAGE_LANGS.includes(own) ? MESSAGE_LANGS : [own, ...MESSAGE_LANGS];
}
