import { useEffect, useRef, type RefObject } from "react";

/**
 * Opens a <dialog> as a modal (the browser's own: focus stays inside, Escape cancels) once it is
 * rendered, with the focus on one of its elements, and closes it when it goes.
 *
 * @param focus the element that has the focus when the dialog opens
 * @returns the ref to put on the <dialog>
 */
export function useModal(focus: RefObject<HTMLElement | null>): RefObject<HTMLDialogElement | null> {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    element.showModal();
    focus.current?.focus();
    return () => element.close();
  }, [focus]);
  return dialog;
}
