import { createContext, useContext } from "react";
import type { Session } from "./api-types";

export interface SessionContextValue {
  session: Session;
  /** the server answered with a newer session (e.g. after the language was saved) */
  replaceSession: (session: Session) => void;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

/** @returns the signed-in operator's session */
export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (value === null) throw new Error("Cannot use the session before sign-in");
  return value;
}
