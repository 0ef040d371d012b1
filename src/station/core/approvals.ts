import { HotlineError, MAX_APPROVED_AT_ONCE } from "../../record/mod.js";
import type { MemberRow } from "../../store/mod.js";

/**
 * Which members of a line one `member.approve` by this station consents to: the ones named (each
 * by station id, unique id prefix or name), or every addition that awaits this station's consent.
 * Each must be pending, have asked this station, and not have its consent yet; a member named
 * twice is taken once.
 *
 * @param members the line's members, active and pending
 * @param options which: a list of references, or "all"; this station's id; the line's name (for messages)
 * @returns the members to consent to, in the order named (for "all": the order of the store)
 * @throws HotlineError NOT_FOUND (no such member, or for "all" none awaits this station),
 *   BAD_INPUT (ambiguous, a participant already, not asked, consented already, more than 63)
 */
export function membersToApprove(
  members: readonly MemberRow[],
  options: { refs: readonly string[] | "all"; self: string; lineName: string },
): MemberRow[] {
  const { self, lineName } = options;
  if (options.refs === "all") {
    const waiting = members.filter(
      (m) => !m.active && m.consenters.includes(self) && !m.approvals.includes(self),
    );
    if (waiting.length === 0) {
      throw new HotlineError(
        "NOT_FOUND",
        `Cannot approve on ${lineName}: no station added to the line awaits this station's consent`,
      );
    }
    return waiting;
  }
  if (options.refs.length === 0) {
    throw new HotlineError("BAD_INPUT", `Cannot approve on ${lineName}: no station named`);
  }
  const chosen = new Map<string, MemberRow>();
  for (const raw of options.refs) {
    const member = oneMember(members, raw.trim(), lineName);
    if (member.active) {
      throw new HotlineError(
        "BAD_INPUT",
        `Cannot approve ${member.name} on ${lineName}: it is a participant already`,
      );
    }
    if (!member.consenters.includes(self)) {
      throw new HotlineError(
        "BAD_INPUT",
        `Cannot approve ${member.name} on ${lineName}: its addition did not ask this station's consent`,
      );
    }
    if (member.approvals.includes(self)) {
      throw new HotlineError(
        "BAD_INPUT",
        `Cannot approve ${member.name} on ${lineName}: this station consented already`,
      );
    }
    chosen.set(member.station, member);
  }
  if (chosen.size > MAX_APPROVED_AT_ONCE) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot approve ${chosen.size} stations on ${lineName} in one entry: at most ${MAX_APPROVED_AT_ONCE}`,
    );
  }
  return [...chosen.values()];
}

/**
 * @param member a member of a line
 * @param ref what an operator typed: a station id, an id prefix of 4 characters or more, or a name
 *   (any case)
 * @returns whether it names the member
 */
export function namesMember(member: Pick<MemberRow, "station" | "name">, ref: string): boolean {
  return (
    member.station === ref ||
    (ref.length >= 4 && member.station.startsWith(ref)) ||
    member.name.toLowerCase() === ref.toLowerCase()
  );
}

function oneMember(members: readonly MemberRow[], ref: string, lineName: string): MemberRow {
  const matches = members.filter((m) => namesMember(m, ref));
  const [member] = matches;
  if (member === undefined || matches.length > 1) {
    throw new HotlineError(
      matches.length > 1 ? "BAD_INPUT" : "NOT_FOUND",
      matches.length > 1
        ? `Cannot approve '${ref}' on ${lineName}: it could be ${matches.map((m) => m.name).join(" or ")}; give its id`
        : `Cannot approve '${ref}' on ${lineName}: no station of that id or name was added to the line`,
    );
  }
  return member;
}
