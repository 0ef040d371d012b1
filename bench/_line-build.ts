/**
 * Building a line of N running stations in rounds, so that it costs O(N) entries: station 0 invites
 * a batch of stations, which stay pending while the batch is added (a member.add asks only the
 * participants, not the stations still pending), then every participant asked consents to the
 * whole batch in one `member.approve` naming all its additions, and the next batch follows.
 *
 * The rounds: station 1 (nobody to ask), station 2 (asking station 1), then all the others at once,
 * each asking stations 1 and 2, who each approve all of them in one entry (55 additions at 57: the
 * most one approval may name is 63). So consent by several approvers and an approval of many
 * additions are both exercised, and the line takes three rounds. Doubling rounds (1, 2, 4, …,
 * every participant approving each) were tried first: at 16 they took 46 s against 12 s for all at
 * once (same machine, load 12 to 18), since each round's newcomers catch up on every approver's
 * chain and each round waits for the slowest; see docs/performance.md.
 *
 * Entries: the genesis, the settings, N−1 member.adds and 3 approvals; one approval per addition
 * per participant, as before, was (N−1)(N−2)/2.
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
    // Two stations join one at a time (the line of three has two approvers), then all the rest.
    const batch = stations.slice(on, on < 3 ? on + 1 : stations.length);
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
        // Closed once paired, as `hotline accept` exits: its kept-alive sockets to station 0 would
        // otherwise count against the joiner's share of station 0's connections all along.
        const accepted = await acceptInvite(joiner.station, client, invite).finally(() => client.close());
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
    let said = Date.now();
    await until(`every station to count ${count} participants`, async () => {
      const counts = await Promise.all(
        joined.map(async (s) => (await s.station.store.participants(line)).length),
      );
      if (Date.now() - said > 15_000) {
        // What a slow round waits on: the participants each station counts so far.
        said = Date.now();
        progress(`waiting: the stations count ${counts.join(" ")} participants`);
        joined.forEach((s, k) => {
          if (counts[k] !== count) {
            const state = s.outbox.state(first.station.id);
            progress(`  station ${k}'s delivery to station 0: ${JSON.stringify(state?.lines ?? null)}`);
          }
        });
      }
      return counts.every((c) => c === count);
    });
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
