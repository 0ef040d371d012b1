import { useSession } from "./session";
import { useStation } from "./station";

/** @returns a function naming a station id as people know it (this station included) */
export function useStationName(): (id: string) => string {
  const { session } = useSession();
  const { state } = useStation();
  return (id: string) => {
    if (id === session.station.id) return session.station.name;
    for (const line of state.status?.lines ?? []) {
      const found = line.participants.find((p) => p.id === id);
      if (found !== undefined) return found.name;
    }
    return `${id.slice(0, 8)}…`;
  };
}
