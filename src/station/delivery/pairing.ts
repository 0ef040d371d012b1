import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import {
  CERT_FINGERPRINT,
  HASH,
  HotlineError,
  MAX_PARTICIPANTS,
  isValidMemberClaim,
  safetyCode,
  signMemberClaim,
  NAME,
  STATION_ID,
  TIME,
  URL_SCHEMA,
  canonicalJson,
  describeZodError,
  readStoredEntry,
} from "../../record/mod.js";
import { isoNow } from "../core/mod.js";
import { pinConflict } from "../core/mod.js";
import { catchUp } from "./catch-up.js";
import type { Station } from "../core/mod.js";
import { PAIR_REQUEST, type PairResponse, type PeerTarget, type PeerTransport } from "./transport.js";

const PREFIX = "hotline-invite:";

/** What an invite string carries: how to reach and pin the inviter, the line, a one-time secret. */
export const INVITE = z.strictObject({
  v: z.literal(1),
  id: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  url: URL_SCHEMA,
  station: STATION_ID,
  name: NAME,
  cert: CERT_FINGERPRINT,
  line: HASH,
  lineName: NAME,
  secret: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  expires: TIME,
  /** the inviter's key in force, when it is not its station id (its key was rotated or revoked) */
  key: STATION_ID.optional(),
});
export type Invite = z.infer<typeof INVITE>;

/**
 * Makes an invite to a line: one copy-pasteable string that carries this station's URL, key and
 * certificate fingerprint, the line, a one-time secret and an expiry. Only a hash of the secret is
 * kept here.
 *
 * @param station the inviting station (a participant of the line)
 * @param options line (id, prefix or name), lifetime in ms, the operator inviting
 * @returns the invite string and its expiry
 */
export async function createInvite(
  station: Station,
  options: { line: string; expiresInMs: number; operator: string },
): Promise<{ invite: string; expires: string }> {
  const line = await station.resolveLine(options.line);
  const invite: Invite = {
    v: 1,
    id: randomBytes(16).toString("base64url"),
    url: station.config.url,
    station: station.id,
    name: station.config.name,
    cert: station.certFingerprint,
    line: line.id,
    lineName: line.name,
    secret: randomBytes(32).toString("base64url"),
    expires: new Date(station.clock.now() + options.expiresInMs).toISOString(),
    ...station.firstKey(),
  };
  await station.store.addInvite({
    id: invite.id,
    line: line.id,
    secretHash: createHash("sha256").update(invite.secret).digest("hex"),
    createdAt: isoNow(station.clock),
    expiresAt: invite.expires,
    createdBy: options.operator,
    usedAt: null,
    usedBy: null,
  });
  return {
    invite: PREFIX + Buffer.from(canonicalJson(invite)).toString("base64url"),
    expires: invite.expires,
  };
}

/**
 * Reads an invite string.
 *
 * @param text what the operator pasted
 * @returns the invite
 * @throws HotlineError BAD_INVITE
 */
export function parseInvite(text: string): Invite {
  const trimmed = text.trim();
  if (!trimmed.startsWith(PREFIX)) {
    throw new HotlineError("BAD_INVITE", `Cannot read the invite: it must start with '${PREFIX}'`);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(trimmed.slice(PREFIX.length), "base64url").toString("utf8"));
  } catch (cause) {
    throw new HotlineError("BAD_INVITE", "Cannot read the invite: it is damaged (was it copied whole?)", {
      cause,
    });
  }
  const result = INVITE.safeParse(value);
  if (!result.success) {
    throw new HotlineError("BAD_INVITE", `Cannot read the invite: ${describeZodError(result.error)}`);
  }
  return result.data;
}

/**
 * @param invite an invite
 * @returns the hash of its secret, which both sides key the proof with
 */
export function secretHashOf(invite: Pick<Invite, "secret">): string {
  return createHash("sha256").update(invite.secret).digest("hex");
}

/**
 * The inviter's side of pairing: checks the invite (known, not expired, not used, proof right),
 * that the joiner presented the certificate it names, uses the invite up, and adds the joiner to
 * the line with a signed `member.add`.
 *
 * @param station the inviting station
 * @param value the pair request as received
 * @param clientCert fingerprint of the TLS client certificate the request came with
 * @returns the line and its genesis
 */
export async function answerPairRequest(
  station: Station,
  value: unknown,
  clientCert: string | null,
): Promise<PairResponse> {
  const parsed = PAIR_REQUEST.safeParse(value);
  if (!parsed.success) throw new HotlineError("SCHEMA", `Cannot pair: ${describeZodError(parsed.error)}`);
  const request = parsed.data;
  const joiner = request.joiner;
  if (clientCert !== joiner.cert) {
    throw new HotlineError(
      "UNKNOWN_PEER",
      "Cannot pair: the TLS certificate presented is not the one the request names",
    );
  }
  const invite = await station.store.invite(request.invite);
  const expected = Buffer.from(invite?.secretHash ?? "0".repeat(64), "hex");
  const given = createHash("sha256").update(request.secret).digest();
  if (invite === null || !timingSafeEqual(expected, given)) {
    throw new HotlineError(
      "BAD_INVITE",
      "Cannot pair: this station made no such invite, or the secret is wrong",
    );
  }
  if (Date.parse(invite.expiresAt) <= station.clock.now()) {
    throw new HotlineError(
      "INVITE_EXPIRED",
      `Cannot pair: the invite expired at ${invite.expiresAt}; ask for a new one`,
    );
  }
  if (!isValidMemberClaim(invite.line, joiner, request.claim)) {
    throw new HotlineError(
      "BAD_SIGNATURE",
      "Cannot pair: the claim is not signed with the key of the station it names",
    );
  }
  const members = await station.store.members(invite.line);
  if (members.some((p) => p.station === joiner.station)) {
    throw new HotlineError("INVITE_USED", "Cannot pair: that station is a member of the line already");
  }
  const pinned =
    joiner.station === station.id ? "that is this station" : await pinConflict(station.store, joiner);
  if (pinned !== null) throw new HotlineError("MEMBER_CONFLICT", `Cannot pair: ${pinned}`);
  const keyed = await station.keyConflict(joiner);
  if (keyed !== null) throw new HotlineError("KEY_CONFLICT", `Cannot pair: ${keyed}`);
  if (members.length >= MAX_PARTICIPANTS) {
    throw new HotlineError(
      "TOO_MANY_PARTICIPANTS",
      `Cannot pair: the line has ${MAX_PARTICIPANTS} members, the most a line may have`,
    );
  }
  if (!(await station.store.useInvite(invite.id, joiner.station, isoNow(station.clock)))) {
    throw new HotlineError("INVITE_USED", "Cannot pair: the invite was used already; ask for a new one");
  }
  // Every other participant must consent before the joiner is sent anything of the line; the
  // invite is this station's consent.
  const consenters = members.filter((m) => m.active && m.station !== station.id).map((m) => m.station);
  await station.write(invite.line, {
    kind: "member.add",
    body: { member: joiner, consenters, proof: request.claim, operator: invite.createdBy },
  });
  const genesis = await station.store.entryByHash(invite.line);
  if (genesis === null) throw new HotlineError("INTERNAL", "Cannot pair: the line has no genesis entry");
  return { line: invite.line, genesis: readStoredEntry(genesis, "line.genesis"), awaiting: consenters };
}

/** What accepting an invite gives the joiner's operator. */
export interface Accepted {
  line: string;
  peer: { id: string; name: string };
  safetyCode: string;
  /** participants who have yet to consent: until they do, the line sends this station nothing */
  awaiting: string[];
}

/**
 * The joiner's side of pairing: reads the invite, connects to the inviter pinning the certificate
 * the invite names, proves the secret, takes the line up from its genesis and catches up on the
 * whole record.
 *
 * @param station the joining station
 * @param transport how to reach the inviter
 * @param text the invite string
 * @returns the line, the inviter, and the safety code both consoles now show
 */
export async function acceptInvite(
  station: Station,
  transport: PeerTransport,
  text: string,
): Promise<Accepted> {
  const invite = parseInvite(text);
  if (Date.parse(invite.expires) <= station.clock.now()) {
    throw new HotlineError(
      "INVITE_EXPIRED",
      `Cannot accept the invite: it expired at ${invite.expires}; ask for a new one`,
    );
  }
  if (invite.station === station.id) {
    throw new HotlineError("BAD_INVITE", "Cannot accept an invite this station made itself");
  }
  if ((await station.store.participants(invite.line)).some((p) => p.station === station.id)) {
    throw new HotlineError(
      "INVITE_USED",
      `Cannot accept the invite: this station is on line ${invite.lineName} already`,
    );
  }
  const target: PeerTarget = { station: invite.station, url: invite.url, cert: invite.cert };
  const request = {
    invite: invite.id,
    joiner: {
      station: station.id,
      name: station.config.name,
      url: station.config.url,
      cert: station.certFingerprint,
      ...station.firstKey(),
    },
  };
  let answer: PairResponse;
  try {
    answer = await transport.pair(target, {
      ...request,
      secret: invite.secret,
      claim: signMemberClaim(invite.line, request.joiner, station.identity),
    });
  } catch (error) {
    // The inviter's verdict on the invite itself is the operator's answer: say it in its own code.
    const { remoteCode, remoteMessage } = error as { remoteCode?: unknown; remoteMessage?: unknown };
    if (remoteCode === "INVITE_USED" || remoteCode === "INVITE_EXPIRED" || remoteCode === "BAD_INVITE") {
      throw new HotlineError(remoteCode, `${invite.name} refused the invite: ${String(remoteMessage)}`, {
        cause: error,
      });
    }
    throw error;
  }
  if (answer.line !== invite.line) {
    throw new HotlineError("BAD_INVITE", "Cannot accept the invite: the inviter answered for another line");
  }
  if ((await station.store.line(invite.line)) === null) {
    const taken = await station.receive([answer.genesis], { joining: invite.line });
    if (taken.refused !== null) throw taken.refused;
  }
  const awaiting = Array.isArray(answer.awaiting) ? answer.awaiting.filter((a) => typeof a === "string") : [];
  // Until every participant consents, the line sends this station nothing: it catches up then.
  if (awaiting.length === 0) await catchUp(station, transport, target, invite.line, { peerChain: true });
  return {
    line: invite.line,
    peer: { id: invite.station, name: invite.name },
    // The inviter's key in force, once the record caught up shows whether it rotated it.
    safetyCode:
      (await station.safetyCodeWith(invite.station, invite.line)) ??
      safetyCode(
        { id: station.identity.key, cert: station.certFingerprint },
        { id: invite.key ?? invite.station, cert: invite.cert },
      ),
    awaiting,
  };
}
