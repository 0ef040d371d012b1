import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "uplot/dist/uPlot.min.css";
import { App } from "./App";
import "./i18n";
import "./styles.css";

const root = document.getElementById("root");
if (root === null) throw new Error("Cannot start the console: index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
