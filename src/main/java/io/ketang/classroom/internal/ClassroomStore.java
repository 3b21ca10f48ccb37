package io.ketang.classroom.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import redis.clients.jedis.UnifiedJedis;

import io.ketang.platform.redis.RedisScript;
import io.ketang.shared.RoomRef;

/**
 * Each room's classroom state in Redis, shared by every node: the open sign-in and who signed,
 * the open quiz and its answers, live red packets and their shares, the hand-raise queue and the
 * flower counts. Every rule that must hold across nodes (one sign-in per student, one answer, one
 * share per user and never more than the packet's count) is one script, so it holds under any
 * number of concurrent requests. All of a room's keys share one hash tag ({@code {bid/room}}),
 * so each script touches one slot.
 */
@ApplicationScoped
public class ClassroomStore {

    /** Classroom keys live a day past their last change. */
    static final long KEEP_SECONDS = 24 * 3600;

    /** The due interactions of every room: members {@code type|bid/room|id}, scored by when they close. */
    static final String DUE = "ketang:cls:due";

    private static final RedisScript OPEN = new RedisScript("""
            if redis.call('HGET', KEYS[1], 'open') == '1' then
              return {0, tonumber(redis.call('HGET', KEYS[1], 'id'))}
            end
            local id = redis.call('INCR', KEYS[4])
            redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
            redis.call('HSET', KEYS[1], 'id', id, 'open', '1', 'openedAt', ARGV[1], 'closesAt', ARGV[2], 'by', ARGV[3], 'extra', ARGV[4])
            for i = 5, #ARGV, 1000 do
              redis.call('SADD', KEYS[3], unpack(ARGV, i, math.min(i + 999, #ARGV)))
            end
            for i = 1, 4 do redis.call('EXPIRE', KEYS[i], %d) end
            return {1, id}""".formatted(KEEP_SECONDS));

    private static final RedisScript SIGN = new RedisScript("""
            local m = redis.call('HMGET', KEYS[1], 'id', 'open', 'closesAt')
            if m[2] ~= '1' or tonumber(m[3]) < tonumber(ARGV[2]) or (ARGV[3] ~= '' and ARGV[3] ~= m[1]) then
              return {-1}
            end
            local new = redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
            return {new, redis.call('HLEN', KEYS[2]), tonumber(m[1])}""");

    private static final RedisScript ANSWER = new RedisScript("""
            local m = redis.call('HMGET', KEYS[1], 'id', 'open', 'closesAt', 'extra')
            if m[2] ~= '1' or tonumber(m[3]) < tonumber(ARGV[2]) or (ARGV[3] ~= '' and ARGV[3] ~= m[1]) then
              return {-1}
            end
            local options = cjson.decode(m[4])['options']
            local valid = false
            for _, o in ipairs(options) do
              if o == ARGV[4] then valid = true end
            end
            if not valid then return {-2} end
            if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[4]) == 0 then
              return {0, redis.call('HLEN', KEYS[2]), redis.call('HGET', KEYS[2], ARGV[1])}
            end
            redis.call('HINCRBY', KEYS[3], ARGV[4], 1)
            return {1, redis.call('HLEN', KEYS[2]), ARGV[4]}""");

    /** Closes the open one (of the given id, or any): returns its fields, the per-user hash and the set. */
    private static final RedisScript CLOSE = new RedisScript("""
            local m = redis.call('HMGET', KEYS[1], 'id', 'open', 'openedAt', 'closesAt', 'by', 'extra')
            if m[2] ~= '1' or (ARGV[1] ~= '' and ARGV[1] ~= m[1]) then return nil end
            redis.call('HSET', KEYS[1], 'open', '0', 'closedAt', ARGV[2])
            local set = {}
            if redis.call('TYPE', KEYS[3])['ok'] == 'set' then set = redis.call('SMEMBERS', KEYS[3]) end
            return {m[1], m[3], m[4], m[5], m[6], redis.call('HGETALL', KEYS[2]), set}""");

    private static final RedisScript SEND_PACKET = new RedisScript("""
            redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
            redis.call('HSET', KEYS[1], 'state', 'live', 'total', ARGV[2], 'count', ARGV[3], 'sentAt', ARGV[4],
                       'expiresAt', ARGV[5], 'by', ARGV[6])
            for i = 7, #ARGV, 1000 do
              redis.call('RPUSH', KEYS[2], unpack(ARGV, i, math.min(i + 999, #ARGV)))
            end
            redis.call('SADD', KEYS[4], ARGV[1])
            for i = 1, 4 do redis.call('EXPIRE', KEYS[i], %d) end
            return 1""".formatted(KEEP_SECONDS));

    private static final RedisScript GRAB = new RedisScript("""
            local m = redis.call('HMGET', KEYS[1], 'state', 'expiresAt')
            if not m[1] then return {-1} end
            local had = redis.call('HGET', KEYS[3], ARGV[1])
            if had then return {0, tonumber(had), redis.call('LLEN', KEYS[2])} end
            if m[1] ~= 'live' or tonumber(m[2]) < tonumber(ARGV[2]) then return {-2} end
            local share = redis.call('LPOP', KEYS[2])
            if not share then return {-2} end
            redis.call('HSET', KEYS[3], ARGV[1], share)
            redis.call('EXPIRE', KEYS[3], %d)
            return {1, tonumber(share), redis.call('LLEN', KEYS[2])}""".formatted(KEEP_SECONDS));

    private static final RedisScript SETTLE = new RedisScript("""
            if redis.call('HGET', KEYS[1], 'state') ~= 'live' then return nil end
            redis.call('HSET', KEYS[1], 'state', 'settled', 'settledAt', ARGV[2])
            redis.call('SREM', KEYS[4], ARGV[1])
            local rest = redis.call('LRANGE', KEYS[2], 0, -1)
            redis.call('DEL', KEYS[2])
            return {redis.call('HMGET', KEYS[1], 'total', 'count', 'sentAt', 'expiresAt', 'by'), redis.call('HGETALL', KEYS[3]), rest}""");

    private static final RedisScript FLOWER = new RedisScript("""
            redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
            local total = redis.call('HINCRBY', KEYS[1], 'total', 1)
            redis.call('EXPIRE', KEYS[1], %d)
            return total""".formatted(KEEP_SECONDS));

    private static final RedisScript RAISE = new RedisScript("""
            redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
            redis.call('EXPIRE', KEYS[1], %d)
            return redis.call('ZRANK', KEYS[1], ARGV[1])""".formatted(KEEP_SECONDS));

    /** Everything a joining client needs to draw the class, in one round trip; ARGV[1] is the asker. */
    private static final RedisScript STATE = new RedisScript("""
            local prefix = ARGV[2]
            local s = redis.call('HMGET', KEYS[1], 'id', 'open', 'closesAt')
            local q = redis.call('HMGET', KEYS[3], 'id', 'open', 'closesAt', 'extra')
            local packets = {}
            for _, id in ipairs(redis.call('SMEMBERS', KEYS[5])) do
              local meta = prefix .. 'rp:' .. id
              local p = redis.call('HMGET', meta, 'count', 'expiresAt', 'total')
              table.insert(packets, {id, p[1], p[2], redis.call('LLEN', meta .. ':shares'),
                                     redis.call('HGET', meta .. ':grabs', ARGV[1]) or ''})
            end
            return {s[1] or '', s[2] or '', s[3] or '', redis.call('HEXISTS', KEYS[2], ARGV[1]), redis.call('HLEN', KEYS[2]),
                    q[1] or '', q[2] or '', q[3] or '', q[4] or '', redis.call('HGET', KEYS[4], ARGV[1]) or '',
                    redis.call('HLEN', KEYS[4]), packets, redis.call('ZCARD', KEYS[6]),
                    redis.call('ZRANGE', KEYS[6], 0, 99), redis.call('HGET', KEYS[7], 'total') or '0'}""");

    @Inject
    UnifiedJedis redis;

    private static String prefix(RoomRef room) {
        return "ketang:cls:{" + room.key() + "}:";
    }

    /** Sign-ins and quizzes: the room's one open interaction of that type. */
    public enum Kind {
        SIGNIN("signin", "signed", "expected"), QUIZ("quiz", "answers", "counts");

        final String meta;
        final String perUser;
        final String extraSet;

        Kind(String meta, String perUser, String extraSet) {
            this.meta = meta;
            this.perUser = perUser;
            this.extraSet = extraSet;
        }

        /** The name used in the due set and in events. */
        public String wireName() {
            return meta;
        }
    }

    private List<String> keys(RoomRef room, Kind kind) {
        String p = prefix(room);
        return List.of(p + kind.meta, p + kind.meta + ":" + kind.perUser, p + kind.meta + ":" + kind.extraSet);
    }

    /**
     * Opens a sign-in or a quiz unless one is open. For a sign-in, {@code members} are the students
     * expected to sign; {@code extra} is JSON kept with it (a quiz's options and answer).
     *
     * @return the new id, or minus the open one's id when one is open already
     */
    public long open(RoomRef room, Kind kind, long now, long closesAt, long by, String extra, List<Long> members) {
        List<String> keys = new ArrayList<>(keys(room, kind));
        keys.add(prefix(room) + "ids");
        List<String> args = new ArrayList<>(members.size() + 4);
        args.add(Long.toString(now));
        args.add(Long.toString(closesAt));
        args.add(Long.toString(by));
        args.add(extra);
        members.forEach(uin -> args.add(Long.toString(uin)));
        List<?> result = (List<?>) OPEN.run(redis, keys, args);
        long id = (Long) result.get(1);
        if ((Long) result.get(0) == 1) {
            redis.zadd(DUE, closesAt, kind.meta + "|" + room.key() + "|" + id);
            return id;
        }
        return -id;
    }

    /** What one student's sign-in or answer did. */
    public record Act(int outcome, long count, String value) {
        /** Recorded now. */
        public static final int DONE = 1;
        /** Recorded before: nothing changed. */
        public static final int ALREADY = 0;
        /** Nothing of that kind is open (or not the one named, or past its deadline). */
        public static final int NOT_OPEN = -1;
        /** A choice the quiz does not offer. */
        public static final int NO_SUCH_CHOICE = -2;
    }

    /** Signs the student in to the open sign-in ({@code id} 0: whichever is open). */
    public Act sign(RoomRef room, long uin, long id, long now) {
        List<String> k = keys(room, Kind.SIGNIN);
        List<?> r = (List<?>) SIGN.run(redis, List.of(k.get(0), k.get(1)), List.of(Long.toString(uin), Long.toString(now), id > 0 ? Long.toString(id) : ""));
        int outcome = ((Long) r.get(0)).intValue();
        return outcome < 0 ? new Act(outcome, 0, null) : new Act(outcome, (Long) r.get(1), Long.toString((Long) r.get(2)));
    }

    /** Records the student's answer to the open quiz; an answer is final. */
    public Act answer(RoomRef room, long uin, long id, String choice, long now) {
        List<String> k = keys(room, Kind.QUIZ);
        List<?> r = (List<?>) ANSWER.run(redis, k, List.of(Long.toString(uin), Long.toString(now), id > 0 ? Long.toString(id) : "", choice));
        int outcome = ((Long) r.get(0)).intValue();
        return outcome < 0 ? new Act(outcome, 0, null) : new Act(outcome, (Long) r.get(1), (String) r.get(2));
    }

    /**
     * A closed sign-in or quiz as it was at its close.
     *
     * @param perUser who signed (uin to time) or answered (uin to choice)
     * @param set     a sign-in's expected students; a quiz's per-choice counts come from {@code perUser}
     */
    public record Closed(long id, long openedAt, long closesAt, long by, String extra, Map<Long, String> perUser, List<Long> set) {
    }

    /** Closes the open one ({@code id} 0: whichever is open); null when it was not open (closed by another node, say). */
    public Closed close(RoomRef room, Kind kind, long id, long now) {
        List<?> r = (List<?>) CLOSE.run(redis, keys(room, kind), List.of(id > 0 ? Long.toString(id) : "", Long.toString(now)));
        if (r == null) {
            return null;
        }
        Map<Long, String> perUser = new LinkedHashMap<>();
        List<?> flat = (List<?>) r.get(5);
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            perUser.put(Long.parseLong((String) flat.get(i)), (String) flat.get(i + 1));
        }
        List<Long> set = ((List<?>) r.get(6)).stream().map(v -> Long.parseLong((String) v)).toList();
        return new Closed(Long.parseLong((String) r.get(0)), Long.parseLong((String) r.get(1)), Long.parseLong((String) r.get(2)),
                Long.parseLong((String) r.get(3)), (String) r.get(4), perUser, set);
    }

    private List<String> packetKeys(RoomRef room, long id) {
        String meta = prefix(room) + "rp:" + id;
        return List.of(meta, meta + ":shares", meta + ":grabs", prefix(room) + "rp:live");
    }

    /** A new packet id for the room. */
    public long nextId(RoomRef room) {
        return redis.incr(prefix(room) + "ids");
    }

    /** Puts a packet's shares up for grabs until {@code expiresAt}. */
    public void sendPacket(RoomRef room, long id, long total, long[] shares, long now, long expiresAt, long by) {
        List<String> args = new ArrayList<>(shares.length + 6);
        args.add(Long.toString(id));
        args.add(Long.toString(total));
        args.add(Integer.toString(shares.length));
        args.add(Long.toString(now));
        args.add(Long.toString(expiresAt));
        args.add(Long.toString(by));
        for (long s : shares) {
            args.add(Long.toString(s));
        }
        SEND_PACKET.run(redis, packetKeys(room, id), args);
        redis.zadd(DUE, expiresAt, "redpacket|" + room.key() + "|" + id);
    }

    /** A grab's outcome: the share (also for a repeated grab), and how many are left. */
    public record Grab(int outcome, long cents, long left) {
        public static final int GOT = 1;
        public static final int ALREADY = 0;
        public static final int NO_SUCH_PACKET = -1;
        public static final int GONE = -2;
    }

    public Grab grab(RoomRef room, long id, long uin, long now) {
        List<?> r = (List<?>) GRAB.run(redis, packetKeys(room, id).subList(0, 3), List.of(Long.toString(uin), Long.toString(now)));
        int outcome = ((Long) r.get(0)).intValue();
        return outcome < 0 ? new Grab(outcome, 0, 0) : new Grab(outcome, (Long) r.get(1), (Long) r.get(2));
    }

    /** A settled packet: its grabs and the shares nobody took. */
    public record Settled(long id, long total, int count, long sentAt, long expiresAt, long by, Map<Long, Long> grabs, List<Long> unclaimed) {
    }

    /** Ends a packet (expired, or all taken); null when it was settled already. */
    public Settled settle(RoomRef room, long id, long now) {
        List<?> r = (List<?>) SETTLE.run(redis, packetKeys(room, id), List.of(Long.toString(id), Long.toString(now)));
        if (r == null) {
            return null;
        }
        List<?> meta = (List<?>) r.get(0);
        Map<Long, Long> grabs = new LinkedHashMap<>();
        List<?> flat = (List<?>) r.get(1);
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            grabs.put(Long.parseLong((String) flat.get(i)), Long.parseLong((String) flat.get(i + 1)));
        }
        List<Long> unclaimed = ((List<?>) r.get(2)).stream().map(v -> Long.parseLong((String) v)).toList();
        return new Settled(id, Long.parseLong((String) meta.get(0)), Integer.parseInt((String) meta.get(1)),
                Long.parseLong((String) meta.get(2)), Long.parseLong((String) meta.get(3)), Long.parseLong((String) meta.get(4)),
                grabs, unclaimed);
    }

    /** The grabs of a packet as Redis holds them (kept a day after it settled). */
    public Map<Long, Long> grabs(RoomRef room, long id) {
        Map<Long, Long> grabs = new LinkedHashMap<>();
        redis.hgetAll(packetKeys(room, id).get(2)).forEach((uin, cents) -> grabs.put(Long.parseLong(uin), Long.parseLong(cents)));
        return grabs;
    }

    /** How many students the open (or last) sign-in expects. */
    public long expectedCount(RoomRef room) {
        return redis.scard(prefix(room) + "signin:expected");
    }

    /** The open (or last) quiz's answers per choice. */
    public Map<String, Long> quizCounts(RoomRef room) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        redis.hgetAll(prefix(room) + "quiz:counts").forEach((choice, n) -> counts.put(choice, Long.parseLong(n)));
        return counts;
    }

    /** The room's flowers in all. */
    public long flowers(RoomRef room) {
        String total = redis.hget(prefix(room) + "flowers", "total");
        return total == null ? 0 : Long.parseLong(total);
    }

    /** Adds a flower from the student; the room's new total. */
    public long flower(RoomRef room, long uin) {
        return (Long) FLOWER.run(redis, List.of(prefix(room) + "flowers"), List.of(Long.toString(uin)));
    }

    /** Raises the student's hand (a raised hand keeps its place); the position in the queue, from 0. */
    public long raise(RoomRef room, long uin, long now) {
        return (Long) RAISE.run(redis, List.of(prefix(room) + "hands"), List.of(Long.toString(uin), Long.toString(now)));
    }

    /** Takes the hand out of the queue; whether it was there. */
    public boolean lower(RoomRef room, long uin) {
        return redis.zrem(prefix(room) + "hands", Long.toString(uin)) > 0;
    }

    /** Empties the queue; the hands that were up. */
    public List<Long> clearHands(RoomRef room) {
        String key = prefix(room) + "hands";
        List<Long> up = redis.zrange(key, 0, -1).stream().map(Long::parseLong).toList();
        redis.del(key);
        return up;
    }

    /** The room's classroom state for one asker. */
    public record State(long signinId, boolean signinOpen, long signinClosesAt, boolean signedByAsker, long signedCount,
                        long quizId, boolean quizOpen, long quizClosesAt, String quizExtra, String askersAnswer, long answeredCount,
                        List<Packet> packets, long handsCount, List<Long> hands, long flowers) {
    }

    /** A live packet as the asker sees it: {@code grabbedByAsker} is the asker's share, 0 if none. */
    public record Packet(long id, int count, long expiresAt, long left, long grabbedByAsker) {
    }

    public State state(RoomRef room, long asker) {
        String p = prefix(room);
        List<?> r = (List<?>) STATE.run(redis, List.of(p + "signin", p + "signin:signed", p + "quiz", p + "quiz:answers",
                p + "rp:live", p + "hands", p + "flowers"), List.of(Long.toString(asker), p));
        List<Packet> packets = new ArrayList<>();
        for (Object o : (List<?>) r.get(11)) {
            List<?> pk = (List<?>) o;
            if (pk.get(1) == null) {
                continue;
            }
            String mine = (String) pk.get(4);
            packets.add(new Packet(Long.parseLong((String) pk.get(0)), Integer.parseInt((String) pk.get(1)),
                    Long.parseLong((String) pk.get(2)), (Long) pk.get(3), mine.isEmpty() ? 0 : Long.parseLong(mine)));
        }
        packets.sort(java.util.Comparator.comparingLong(Packet::id));
        return new State(num(r.get(0)), "1".equals(r.get(1)), num(r.get(2)), (Long) r.get(3) == 1, (Long) r.get(4),
                num(r.get(5)), "1".equals(r.get(6)), num(r.get(7)), (String) r.get(8), emptyToNull((String) r.get(9)), (Long) r.get(10),
                packets, (Long) r.get(12), ((List<?>) r.get(13)).stream().map(v -> Long.parseLong((String) v)).toList(), num(r.get(14)));
    }

    private static long num(Object v) {
        return v == null || "".equals(v) ? 0 : Long.parseLong((String) v);
    }

    private static String emptyToNull(String v) {
        return v == null || v.isEmpty() ? null : v;
    }

    /** Takes due interactions off the due set, up to {@code max}; each is taken by exactly one node. */
    public List<String> takeDue(long now, int max) {
        List<String> due = new ArrayList<>();
        for (String member : redis.zrangeByScore(DUE, Double.NEGATIVE_INFINITY, now, 0, max)) {
            if (redis.zrem(DUE, member) > 0) {
                due.add(member);
            }
        }
        return due;
    }
}
