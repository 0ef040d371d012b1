/**
 * What the station said when it refused a form, beneath a line saying what was refused.
 *
 * @param heading what was refused ("The station refused the notification:")
 * @param message the station's own message
 */
export function Refusal({ heading, message }: { heading: string; message: string }) {
  return (
    <div role="alert" className="notify-refusal">
      <p className="error-text">{heading}</p>
      <p className="notify-refusal-message">{message}</p>
    </div>
  );
}
