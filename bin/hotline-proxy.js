#!/usr/bin/env node
// Fault-injecting TCP proxies for drills and tests (see docs/operator-guide.md, "Drills").
try {
  await import("../dist/src/faults/run.js");
} catch (error) {
  if (
    error &&
    error.code === "ERR_MODULE_NOT_FOUND" &&
    String(error.message).includes("dist/src/faults/run.js")
  ) {
    process.stderr.write("error NOT_BUILT: hotline is not built yet: run 'npm ci && npm run build' first\n");
    process.exit(1);
  }
  throw error;
}
