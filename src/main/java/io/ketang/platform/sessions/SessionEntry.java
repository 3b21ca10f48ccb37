package io.ketang.platform.sessions;

/**
 * A live session as the registry records it.
 *
 * @param node      the node holding the socket
 * @param session   the socket's id on that node
 * @param since     when it said hello, epoch milliseconds
 */
public record SessionEntry(String node, String session, long since) {

    String encode() {
        return node + "|" + session + "|" + since;
    }

    static SessionEntry decode(String value) {
        if (value == null) {
            return null;
        }
        String[] parts = value.split("\\|", 3);
        if (parts.length != 3) {
            return null;
        }
        try {
            return new SessionEntry(parts[0], parts[1], Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
