/**
 * The exact texts of the items of an array that is a member of a JSON document's top-level
 * object, as they stand in the document: what a reader of the file sees, before any parser
 * decides which of two equal keys wins. The text must be JSON (parse it first).
 *
 * @param text a JSON text whose top level is an object
 * @param key the member's name, as written without escapes
 * @returns each item's text, or null when the member is not there exactly once as an array
 */
export function memberArrayItems(text: string, key: string): string[] | null {
  const name = JSON.stringify(key);
  let found: string[] | null = null;
  let times = 0;
  let i = skipSpace(text, 0);
  if (text[i] !== "{") return null;
  i = skipSpace(text, i + 1);
  while (i < text.length && text[i] !== "}") {
    const keyEnd = valueEnd(text, i);
    const raw = text.slice(i, keyEnd);
    i = skipSpace(text, skipSpace(text, keyEnd) + 1);
    const end = valueEnd(text, i);
    if (raw === name) {
      times++;
      found = text[i] === "[" ? itemsOf(text, i, end) : null;
    }
    i = skipSpace(text, end);
    if (text[i] === ",") i = skipSpace(text, i + 1);
  }
  return times === 1 ? found : null;
}

function itemsOf(text: string, start: number, end: number): string[] {
  const items: string[] = [];
  let i = skipSpace(text, start + 1);
  while (i < end - 1) {
    const itemEnd = valueEnd(text, i);
    items.push(text.slice(i, itemEnd));
    i = skipSpace(text, itemEnd);
    if (text[i] === ",") i = skipSpace(text, i + 1);
  }
  return items;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && " \t\r\n".includes(text[i] as string)) i++;
  return i;
}

/** @returns the index just after the JSON value starting at `from` */
function valueEnd(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      if (depth === 0) return i + 1;
    } else if (c === "{" || c === "[") {
      depth++;
    } else if (c === "}" || c === "]") {
      if (depth === 0) return i;
      if (--depth === 0) return i + 1;
    } else if (depth === 0 && (c === "," || " \t\r\n".includes(c))) {
      return i;
    }
  }
  return text.length;
}
