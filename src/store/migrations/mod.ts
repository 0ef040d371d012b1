import * as m0001 from "./0001-initial.js";
import * as m0002 from "./0002-peers.js";
import * as m0003 from "./0003-health.js";
import * as m0004 from "./0004-attention.js";
import * as m0005 from "./0005-console.js";
import * as m0006 from "./0006-zones.js";
import * as m0007 from "./0007-plans.js";
import * as m0008 from "./0008-consent.js";
import * as m0009 from "./0009-bounds.js";
import * as m0010 from "./0010-key-changes.js";
import * as m0011 from "./0011-cert-renew.js";
import * as m0012 from "./0012-second-factor-audit.js";
import * as m0014 from "./0014-routes.js";
import * as m0015 from "./0015-relay.js";
import * as m0017 from "./0017-route-history.js";
import * as m0018 from "./0018-lease.js";

/** Every schema migration, in order; the index + 1 is the schema version it brings the database to. */
export const MIGRATIONS: readonly { name: string; sql: string }[] = [
  { name: "0001-initial", sql: m0001.sql },
  { name: "0002-peers", sql: m0002.sql },
  { name: "0003-health", sql: m0003.sql },
  { name: "0004-attention", sql: m0004.sql },
  { name: "0005-console", sql: m0005.sql },
  { name: "0006-zones", sql: m0006.sql },
  { name: "0007-plans", sql: m0007.sql },
  { name: "0008-consent", sql: m0008.sql },
  { name: "0009-bounds", sql: m0009.sql },
  { name: "0010-key-changes", sql: m0010.sql },
  { name: "0011-cert-renew", sql: m0011.sql },
  { name: "0012-second-factor-audit", sql: m0012.sql },
  { name: "0014-routes", sql: m0014.sql },
  { name: "0015-relay", sql: m0015.sql },
  { name: "0017-route-history", sql: m0017.sql },
  { name: "0018-lease", sql: m0018.sql },
];
