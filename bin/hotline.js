#!/usr/bin/env node
// The hotline command. The TypeScript sources are compiled to dist/ by `npm run build`.
try {
  await import("../dist/src/cli/run.js");
} catch (error) {
  if (
    error &&
    error.code === "ERR_MODULE_NOT_FOUND" &&
    String(error.message).includes("dist/src/cli/run.js")
  ) {
    process.stderr.write("error NOT_BUILT: hotline is not built yet: run 'npm ci && npm run build' first\n");
    process.exit(1);
  }
  throw error;
}
