package io.ketang.gateway;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.ketang.shared.Terminal;

/**
 * The client sessions on this node: by socket, by user (for messages to users wherever they
 * are), and the users' budgets here (frames per terminal, chat per user), which outlive a
 * connection so that reconnecting does not refill them.
 */
@ApplicationScoped
class LocalSessions {

    @Inject
    GatewaySettings settings;

    private final Map<String, ClientSession> bySocket = new ConcurrentHashMap<>();
    /** Sessions by user ("bid/uin"). */
    private final Map<String, Set<ClientSession>> byUser = new ConcurrentHashMap<>();
    /** Each user's chat budget on this node ("bid/uin"), shared by their sessions here. */
    private Budgets chatBudgets;
    /** Each user's frame budget per terminal on this node ("bid/uin/terminal"), kept across reconnects and replacements. */
    private Budgets studentFrames;
    private Budgets staffFrames;

    @PostConstruct
    void start() {
        chatBudgets = new Budgets(settings.chatRate(), settings.chatBurst());
        studentFrames = new Budgets(settings.studentRate(), settings.studentBurst());
        staffFrames = new Budgets(settings.staffRate(), settings.staffBurst());
    }

    void add(ClientSession session) {
        bySocket.put(session.id(), session);
    }

    /** The session of a socket, null once it is gone. */
    ClientSession get(String socketId) {
        return bySocket.get(socketId);
    }

    /** Takes the session of a socket away; null when it was taken already. */
    ClientSession remove(String socketId) {
        return bySocket.remove(socketId);
    }

    Collection<ClientSession> all() {
        return bySocket.values();
    }

    int count() {
        return bySocket.size();
    }

    /** The session said who it is: it is found by user from now on, and spends the user's budgets. */
    void signedIn(ClientSession session, long nowNanos) {
        Identity who = session.identity;
        byUser.computeIfAbsent(userKey(who.bid(), who.uin()), k -> ConcurrentHashMap.newKeySet()).add(session);
        session.chat = chatBudgets.acquire(userKey(who.bid(), who.uin()), nowNanos);
        // the user's budget on this terminal, as a previous connection left it; hello itself was paid by the connection's own
        session.frames = frameBudgets(who).acquire(terminalKey(who, session.terminal), nowNanos);
    }

    /** The signed-in session is gone: its budgets are kept a while for the user's next connection. */
    void signedOut(ClientSession session) {
        Identity who = session.identity;
        byUser.computeIfPresent(userKey(who.bid(), who.uin()), (k, set) -> {
            set.remove(session);
            return set.isEmpty() ? null : set;
        });
        chatBudgets.release(userKey(who.bid(), who.uin()));
        frameBudgets(who).release(terminalKey(who, session.terminal));
    }

    /** The frame budgets of the user's kind (staff or students): what {@code welcome} tells. */
    Budgets frameBudgets(Identity who) {
        return who.staff() ? staffFrames : studentFrames;
    }

    /** The user's sessions on this node; empty when none. */
    Set<ClientSession> ofUser(String bid, long uin) {
        return byUser.getOrDefault(userKey(bid, uin), Set.of());
    }

    /** Forgets budgets left behind long enough ago to be full again. */
    void sweepBudgets(long nowNanos) {
        for (Budgets budgets : new Budgets[] {chatBudgets, studentFrames, staffFrames}) {
            budgets.sweep(nowNanos);
        }
    }

    private static String userKey(String bid, long uin) {
        return bid + "/" + uin;
    }

    private static String terminalKey(Identity who, Terminal terminal) {
        return who.bid() + "/" + who.uin() + "/" + terminal.wireName();
    }
}
