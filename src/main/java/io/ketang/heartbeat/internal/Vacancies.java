package io.ketang.heartbeat.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.ketang.membership.api.Member;
import io.ketang.membership.api.Seat;
import io.ketang.platform.sessions.SessionEntry;
import io.ketang.shared.Terminal;

/**
 * Which terminals of a member whose heartbeat ran out no longer hold a session in the room,
 * although the user is still connected somewhere. A terminal's seat names the session that joined
 * the room. The registry names the session that holds the terminal now:
 * <ul>
 * <li>the same session: it is still connected, and stays (its heartbeats may be late);</li>
 * <li>none: that session has ended and its entry ran out, so the terminal is gone;</li>
 * <li>another one (a newer login, a reconnect): that session had {@code rejoinMs} from its hello
 * to join the room again, which would have taken the seat and sent heartbeats. Past that, the
 * terminal is gone; before, the decision waits until then.</li>
 * </ul>
 * A seat written before sessions were recorded names no session: it stays while the user is
 * connected, as before.
 *
 * @param gone     the terminals to take out of the room
 * @param decideAt when to look again at a terminal whose new session may still rejoin,
 *                 epoch milliseconds, or {@link Long#MAX_VALUE} when none waits
 */
record Vacancies(List<Terminal> gone, long decideAt) {

    static Vacancies of(Member member, Map<Terminal, SessionEntry> live, long now, long rejoinMs) {
        List<Terminal> gone = new ArrayList<>();
        long decideAt = Long.MAX_VALUE;
        for (Map.Entry<Terminal, Seat> held : member.terminals().entrySet()) {
            Seat seat = held.getValue();
            if (seat.session() == null) {
                continue;
            }
            SessionEntry current = live.get(held.getKey());
            if (current == null) {
                gone.add(held.getKey());
            } else if (!current.node().equals(seat.node()) || !current.session().equals(seat.session())) {
                long deadline = current.since() + rejoinMs;
                if (now >= deadline) {
                    gone.add(held.getKey());
                } else {
                    decideAt = Math.min(decideAt, deadline);
                }
            }
        }
        return new Vacancies(List.copyOf(gone), decideAt);
    }
}
