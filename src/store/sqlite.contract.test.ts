import { join } from "node:path";
import { storeContract } from "./contract.js";
import { openSqliteStore } from "./sqlite.js";

// The crash child runs from the build (npm run build), as the integration tests do.
storeContract("SQLite", (dir) => openSqliteStore(join(dir, "hotline.db")), {
  crashChild: [process.execPath, join(import.meta.dirname, "../../dist/src/store/_sqlite-crash-child.js")],
});
