import { useEffect, useRef, type ReactNode } from "react";
import { hasNavigated } from "../router";

/**
 * The page's heading, which takes the focus when the page changes (so a keyboard or screen-reader
 * user starts at the top of the new page), and names the browser tab.
 */
export function PageTitle({ title, children }: { title: string; children?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — hotline`;
  }, [title]);
  useEffect(() => {
    // Not on the first page of a visit: there the browser's own start is right.
    if (hasNavigated()) heading.current?.focus();
  }, []);
  return (
    <div className="page-title">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </div>
  );
}
