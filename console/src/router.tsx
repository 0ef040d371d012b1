import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from "react";

// A router of a few pages needs no library: the path is the state, history.pushState changes it,
// and popstate (back, forward) tells us. The station serves index.html for every such path.

export type Route =
  | { page: "board" }
  | { page: "line"; id: string }
  | { page: "call"; line: string; call: string }
  | { page: "alarms" }
  | { page: "zones" }
  | { page: "map" }
  | { page: "audit" }
  | { page: "secondFactor" }
  | { page: "notFound"; path: string };

const listeners = new Set<() => void>();
let navigated = false;
window.addEventListener("popstate", () => {
  navigated = true;
});

/** @returns whether the operator has moved from the page the visit began on */
export function hasNavigated(): boolean {
  return navigated;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

/**
 * @param path a path of the console, e.g. "/alarms"
 */
export function navigate(path: string): void {
  if (path === location.pathname) return;
  history.pushState(null, "", path);
  navigated = true;
  for (const listener of listeners) listener();
}

/**
 * @param path a location pathname
 * @returns the page it names
 */
export function routeOf(path: string): Route {
  if (path === "/" || path === "") return { page: "board" };
  if (path === "/alarms" || path === "/alarms/") return { page: "alarms" };
  if (path === "/zones" || path === "/zones/") return { page: "zones" };
  if (path === "/map" || path === "/map/") return { page: "map" };
  if (path === "/audit" || path === "/audit/") return { page: "audit" };
  if (path === "/second-factor" || path === "/second-factor/") return { page: "secondFactor" };
  const line = /^\/lines\/([^/]+)\/?$/.exec(path);
  if (line?.[1] !== undefined) return { page: "line", id: decodeURIComponent(line[1]) };
  const call = /^\/lines\/([^/]+)\/calls\/([^/]+)\/?$/.exec(path);
  if (call?.[1] !== undefined && call[2] !== undefined)
    return { page: "call", line: decodeURIComponent(call[1]), call: decodeURIComponent(call[2]) };
  return { page: "notFound", path };
}

/** @returns the page shown now; re-renders when it changes */
export function useRoute(): Route {
  return routeOf(useSyncExternalStore(subscribe, () => location.pathname));
}

/**
 * @param id a line id
 * @returns the path of its line view
 */
export function linePath(id: string): string {
  return `/lines/${encodeURIComponent(id)}`;
}

/**
 * @param line a line id
 * @param call a call's id (its request's hash)
 * @returns the path of the call's readouts, side by side
 */
export function callPath(line: string, call: string): string {
  return `${linePath(line)}/calls/${encodeURIComponent(call)}`;
}

/**
 * @param notification a notification's id, or null
 * @returns the map's path, with that notification selected and in view (`/map?n=…`)
 */
export function mapPath(notification: string | null = null): string {
  return notification === null ? "/map" : `/map?n=${encodeURIComponent(notification)}`;
}

/** A real link (it opens in a new tab with a modifier key) that changes page without a reload. */
export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={follow} {...rest} />;
}
