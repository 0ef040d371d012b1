/**
 * Building a line of N running stations in rounds, so that it costs O(N) entries: station 0 invites
 * a batch of stations, which stay pending while the batch is added (a member.add asks only the
 * participants, not the stations still pending), then every participant asked consents to the
 * whole batch in one `member.approve` naming all its additions, and the next batch follows. Batches
 * double (1, 2, 4, … stations): each round's consent is given by every participant there is, so
 * the rules of consent are exercised by many approvers, and the line of 57 takes six rounds.
 *
 * Entries: the genesis, N−1 member.adds, and one approval per participant asked per round
 * (1 + 3 + 7 + … < N), so fewer than 3N; with one approval per addition it was (N−1)(N−2)/2.
 */
import { readFileSync } from "node:fs";
import type { RunningStation } from "../src/cli/mod.js";
import { PeerClient } from "../src/peer/mod.js";
import { acceptInvite, createInvite } from "../src/station/mod.js";
import { until } from "./_line-waits.js";

/**
 * Invites, pairs and approves stations 1..N−1 onto the line station 0 created, in doubling rounds.
 *
 * @param stations the line's stations, station 0 its creator (already on it)
 * @param line the line id
 * @param progress where to say how far it got (after each round)
 * @returns the peer clients the joiners paired with (the caller closes them)
 */
export async function buildLine(
  stations: readonly RunningStation[],
  line: string,
  progress: (message: string) => void,
): Promise<PeerClient[]> {
  const [first] = stations;
  if (first === undefined) throw new Error("a line needs at least one station");
  const clients: PeerClient[] = [];
  for (let on = 1; on < stations.length;) {
    const batch = stations.slice(on, Math.min(stations.length, 2 * on));
    // Consent is asked of every participant but the adder: all the line's stations so far.
    const asked = stations.slice(1, on).map((s) => s.station.id);
    const adds = await Promise.all(
      batch.map(async (joiner) => {
        const client = peerClientOf(joiner);
        clients.push(client);
        const { invite } = await createInvite(first.station, {
          line,
          expiresInMs: 3_600_000,
          operator: "admin",
        });
        const accepted = await acceptInvite(joiner.station, client, invite);
        // The consent rules as the bench relies on them: the stations still pending are not asked.
        if ([...accepted.awaiting].sort().join() !== [...asked].sort().join()) {
          throw new Error(
            `${joiner.station.config.name} awaits ${accepted.awaiting.length} consents, not the ${asked.length} participants'`,
          );
        }
        return joiner.station.id;
      }),
    );
    await Promise.all(
      stations.slice(1, on).map(async (approver) => {
        await until(
          `${approver.station.config.name} to hold the round's ${adds.length} additions`,
          async () => {
            const members = await approver.station.store.members(line);
            return adds.every((id) => members.some((m) => m.station === id));
          },
        );
        await approver.station.approveMembers({ line, members: adds, operator: "admin" });
      }),
    );
    on += batch.length;
    const count = on;
    const joined = stations.slice(0, count);
    await until(`every station to count ${count} participants`, async () =>
      (await Promise.all(joined.map(async (s) => (await s.station.store.participants(line)).length))).every(
        (c) => c === count,
      ),
    );
    progress(`${count} participants (a round of ${batch.length}, consented by ${asked.length} entries)`);
  }
  return clients;
}

/**
 * A peer client with the station's own certificate, for accepting an invite as `hotline accept`
 * does, but patient: on a big line the inviter, sharing this process with every other station,
 * can take longer than the usual 5 s to answer (it did at 17 participants on a loaded machine).
 */
function peerClientOf(running: RunningStation): PeerClient {
  const { tlsCert, tlsKey } = running.station.paths;
  return new PeerClient(
    { cert: readFileSync(tlsCert, "utf8"), key: readFileSync(tlsKey, "utf8") },
    { timeoutMs: 60_000 },
  );
}
