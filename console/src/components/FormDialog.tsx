import { useId, type FormEvent, type ReactNode, type RefObject } from "react";
import { useModal } from "../modal";

interface FormDialogProps {
  /** the heading, which also names the dialog */
  title: ReactNode;
  /** a class added to the dialog's own */
  className?: string;
  /** the field that has the focus when the dialog opens */
  initialFocus: RefObject<HTMLElement | null>;
  /** the fields, and what else the dialog says */
  children: ReactNode;
  /** the label of the button that closes the dialog without sending */
  closeLabel: string;
  /** the label of the button that sends the form */
  submitLabel: string;
  /** whether the form cannot be sent (yet) */
  submitDisabled: boolean;
  onSubmit: (event: FormEvent) => void;
  /** when the dialog is closed: its button or Escape */
  onClose: () => void;
}

/**
 * A modal form (the browser's own <dialog>: focus stays inside, Escape closes): a heading, the
 * fields, and a close and a send button.
 */
export function FormDialog(props: FormDialogProps) {
  const titleId = useId();
  const dialog = useModal(props.initialFocus);
  return (
    <dialog
      ref={dialog}
      className={`confirm-dialog form-dialog${props.className === undefined ? "" : ` ${props.className}`}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      <form onSubmit={props.onSubmit}>
        <h2 id={titleId}>{props.title}</h2>
        <div className="dialog-body">{props.children}</div>
        <div className="dialog-actions">
          <button type="button" onClick={props.onClose}>
            {props.closeLabel}
          </button>
          <button type="submit" className="primary" disabled={props.submitDisabled}>
            {props.submitLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
