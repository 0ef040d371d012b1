import {
  digestFormOf,
  parseDigestStatement,
  statementFromDigest,
  type DigestStatement,
} from "../../record/mod.js";
import type { Station } from "../core/mod.js";

/**
 * A test of a link on which nothing moved costs two small signed messages, and the full head
 * statements only every this many tests of a link (its first included): once a minute at the
 * default 5 s. Not needed for the witness — a digest equal to this station's is accepted only with
 * a signature over this station's own heads, so a peer claiming equality signs those very heads,
 * as it would in a full statement — but it keeps the exchange the digest stands for exercised.
 */
export const FULL_EXCHANGE_EVERY = 12;

/**
 * The peer side of a link test by digest: a participant sent its head statement in digest form.
 * If it names the digest of the heads this station holds, the participant's full statement is
 * put back together with them and accepted as any statement — its signature checked over them
 * (a peer claiming equality while holding other heads fails here: BAD_SIGNATURE), kept as a
 * receipt, compared as a witness — and the exchange is noted. If not, nothing of it is checked or
 * kept: the asker learns from the answer that they differ and sends its full statement.
 *
 * @param station this station
 * @param value the digest form as received
 * @param from the participant it came from (checked on its line by the caller)
 * @returns this station's own statement in digest form, the answer
 * @throws HotlineError SCHEMA (not a digest form); when the digests are equal, what
 *   `Station.acceptStatement` throws
 */
export async function answerHeadsDigest(
  station: Station,
  value: unknown,
  from: string,
): Promise<DigestStatement> {
  const theirs = parseDigestStatement(value);
  const mine = await station.headStatement(theirs.line);
  const answer = digestFormOf(mine);
  if (theirs.digest === answer.digest) {
    await station.acceptStatement(statementFromDigest(theirs, mine.heads), from, { held: mine.heads });
    station.noteExchange(theirs.line, from);
  }
  return answer;
}
