/** A change of a link's health, as kept. */
export interface HealthChangeRow {
  line: string;
  peer: string;
  from: string;
  to: string;
  at: string;
  lastOkAt: string | null;
  detail: string;
}

/** The history of links' health. */
export interface HealthStore {
  addHealthChange(change: HealthChangeRow): Promise<void>;
  /** @returns changes of health, oldest first, of one line (and peer) or all */
  healthHistory(where?: { line?: string; peer?: string }): Promise<HealthChangeRow[]>;
}
