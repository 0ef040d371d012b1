import { useState } from "react";

/** A form's one request at a time: whether it is under way, and how the last one failed. */
export interface Submission {
  /** true while a request runs */
  busy: boolean;
  /** the last failure, as `describe` put it; null when there is none */
  error: string | null;
  /** Shows a failure of the form's own (e.g. a file that could not be read), or clears it. */
  setError: (error: string | null) => void;
  /**
   * Sends a request, unless one runs already: clears the error, is busy until it settles, then
   * calls `onDone` with its result or keeps its failure as the error.
   *
   * @param request starts the request
   * @param onDone what to do with its result
   */
  run: <T>(request: () => Promise<T>, onDone: (result: T) => void) => void;
}

const messageOf = (failure: unknown) => (failure as Error).message;

/**
 * The busy and error state a form keeps while it sends what the operator entered.
 *
 * @param describe words a failure for the operator; by default the error's own message
 * @returns the state, and `run` to send a request
 */
export function useSubmit(describe: (failure: unknown) => string = messageOf): Submission {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = <T>(request: () => Promise<T>, onDone: (result: T) => void) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    request().then(
      (result) => {
        setBusy(false);
        onDone(result);
      },
      (failure: unknown) => {
        setBusy(false);
        setError(describe(failure));
      },
    );
  };
  return { busy, error, setError, run };
}
