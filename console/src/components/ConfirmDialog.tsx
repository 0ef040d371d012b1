import { useRef, type ReactNode } from "react";
import { useModal } from "../modal";

interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  cancelLabel: string;
  /** "danger" paints the confirm button red */
  tone?: "danger" | "normal";
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * A modal question (the browser's own <dialog>: focus stays inside, Escape cancels). Cancel has the
 * focus, so a key pressed once too often does not confirm.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const cancel = useRef<HTMLButtonElement>(null);
  const dialog = useModal(cancel);
  return (
    <dialog
      ref={dialog}
      className={`confirm-dialog ${props.tone === "danger" ? "dialog-danger" : ""}`}
      aria-labelledby="confirm-title"
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id="confirm-title">{props.title}</h2>
      <div className="dialog-body">{props.children}</div>
      <div className="dialog-actions">
        <button type="button" ref={cancel} onClick={props.onCancel}>
          {props.cancelLabel}
        </button>
        <button
          type="button"
          className={props.tone === "danger" ? "danger" : "primary"}
          onClick={props.onConfirm}
        >
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
