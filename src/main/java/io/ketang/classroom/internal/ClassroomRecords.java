package io.ketang.classroom.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

import io.ketang.shared.RoomRef;

/**
 * The classroom's durable records in PostgreSQL (db/migration/V3), written when an interaction
 * closes and read by the REST API. Plain JDBC with batched inserts rather than entities: a class's
 * end writes tens of thousands of rows at once, and none of them is ever changed afterwards.
 * Every insert ignores a row that is there already, so a close that is repeated writes nothing twice.
 */
@ApplicationScoped
public class ClassroomRecords {

    @Resource(lookup = "jdbc/ketang")
    DataSource db;

    /** One student's attendance at a sign-in. */
    public record Attendance(long uin, String status, Long signedAt) {
    }

    /** A closed sign-in with its counts. */
    public record Signin(long id, long openedBy, long openedAt, long closesAt, long closedAt, int signed, int late, int absent) {
    }

    /** A closed quiz with its results. */
    public record Quiz(long id, long startedBy, String optionsJson, String correct, long startedAt, long closesAt, long closedAt,
                       int answered, int rightCount, String countsJson) {
    }

    /** A settled red packet. */
    public record Packet(long id, long sentBy, long totalCents, int shares, long sentAt, long expiresAt, long settledAt,
                         long claimedCents, int claimedCount, long unclaimedCents, int unclaimedCount) {
    }

    /** One line of the audit log. */
    public record AuditEntry(long id, long actorUin, String actorRole, String action, String detailJson, long at) {
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T transaction(Work<T> work) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new RecordsUnavailableException("classroom records: " + e.getMessage(), e);
        }
    }

    /** PostgreSQL could not be written or read. */
    public static final class RecordsUnavailableException extends RuntimeException {
        RecordsUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static Timestamp ts(long epochMs) {
        return new Timestamp(epochMs);
    }

    public void signinClosed(RoomRef room, Signin s, List<Attendance> rows) {
        transaction(c -> {
            try (PreparedStatement head = c.prepareStatement("""
                    insert into signins (bid, room_id, signin_id, opened_by, opened_at, closes_at, closed_at, signed, late, absent)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing""")) {
                head.setString(1, room.bid());
                head.setString(2, room.room());
                head.setLong(3, s.id());
                head.setLong(4, s.openedBy());
                head.setTimestamp(5, ts(s.openedAt()));
                head.setTimestamp(6, ts(s.closesAt()));
                head.setTimestamp(7, ts(s.closedAt()));
                head.setInt(8, s.signed());
                head.setInt(9, s.late());
                head.setInt(10, s.absent());
                head.executeUpdate();
            }
            try (PreparedStatement row = c.prepareStatement("""
                    insert into attendance (bid, room_id, signin_id, uin, status, signed_at) values (?, ?, ?, ?, ?, ?)
                    on conflict do nothing""")) {
                int n = 0;
                for (Attendance a : rows) {
                    row.setString(1, room.bid());
                    row.setString(2, room.room());
                    row.setLong(3, s.id());
                    row.setLong(4, a.uin());
                    row.setString(5, a.status());
                    if (a.signedAt() == null) {
                        row.setNull(6, Types.TIMESTAMP_WITH_TIMEZONE);
                    } else {
                        row.setTimestamp(6, ts(a.signedAt()));
                    }
                    row.addBatch();
                    if (++n % 1000 == 0) {
                        row.executeBatch();
                    }
                }
                row.executeBatch();
            }
            return null;
        });
    }

    public void quizClosed(RoomRef room, Quiz q, Map<Long, String> answers) {
        transaction(c -> {
            try (PreparedStatement head = c.prepareStatement("""
                    insert into quizzes (bid, room_id, quiz_id, started_by, options, correct, started_at, closes_at, closed_at,
                                         answered, right_count, counts)
                    values (?, ?, ?, ?, cast(? as jsonb), ?, ?, ?, ?, ?, ?, cast(? as jsonb)) on conflict do nothing""")) {
                head.setString(1, room.bid());
                head.setString(2, room.room());
                head.setLong(3, q.id());
                head.setLong(4, q.startedBy());
                head.setString(5, q.optionsJson());
                head.setString(6, q.correct());
                head.setTimestamp(7, ts(q.startedAt()));
                head.setTimestamp(8, ts(q.closesAt()));
                head.setTimestamp(9, ts(q.closedAt()));
                head.setInt(10, q.answered());
                head.setInt(11, q.rightCount());
                head.setString(12, q.countsJson());
                head.executeUpdate();
            }
            try (PreparedStatement row = c.prepareStatement(
                    "insert into answers (bid, room_id, quiz_id, uin, choice) values (?, ?, ?, ?, ?) on conflict do nothing")) {
                int n = 0;
                for (var a : answers.entrySet()) {
                    row.setString(1, room.bid());
                    row.setString(2, room.room());
                    row.setLong(3, q.id());
                    row.setLong(4, a.getKey());
                    row.setString(5, a.getValue());
                    row.addBatch();
                    if (++n % 1000 == 0) {
                        row.executeBatch();
                    }
                }
                row.executeBatch();
            }
            return null;
        });
    }

    public void packetSettled(RoomRef room, Packet p, Map<Long, Long> grabs) {
        transaction(c -> {
            try (PreparedStatement head = c.prepareStatement("""
                    insert into red_packets (bid, room_id, packet_id, sent_by, total_cents, shares, sent_at, expires_at, settled_at,
                                             claimed_cents, claimed_count, unclaimed_cents, unclaimed_count)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing""")) {
                head.setString(1, room.bid());
                head.setString(2, room.room());
                head.setLong(3, p.id());
                head.setLong(4, p.sentBy());
                head.setLong(5, p.totalCents());
                head.setInt(6, p.shares());
                head.setTimestamp(7, ts(p.sentAt()));
                head.setTimestamp(8, ts(p.expiresAt()));
                head.setTimestamp(9, ts(p.settledAt()));
                head.setLong(10, p.claimedCents());
                head.setInt(11, p.claimedCount());
                head.setLong(12, p.unclaimedCents());
                head.setInt(13, p.unclaimedCount());
                head.executeUpdate();
            }
            try (PreparedStatement row = c.prepareStatement(
                    "insert into red_packet_grabs (bid, room_id, packet_id, uin, cents) values (?, ?, ?, ?, ?) on conflict do nothing")) {
                for (var g : grabs.entrySet()) {
                    row.setString(1, room.bid());
                    row.setString(2, room.room());
                    row.setLong(3, p.id());
                    row.setLong(4, g.getKey());
                    row.setLong(5, g.getValue());
                    row.addBatch();
                }
                row.executeBatch();
            }
            return null;
        });
    }

    public void audit(RoomRef room, long actorUin, String actorRole, String action, String detailJson) {
        transaction(c -> {
            try (PreparedStatement row = c.prepareStatement(
                    "insert into audit_log (bid, room_id, actor_uin, actor_role, action, detail) values (?, ?, ?, ?, ?, cast(? as jsonb))")) {
                row.setString(1, room.bid());
                row.setString(2, room.room());
                row.setLong(3, actorUin);
                row.setString(4, actorRole);
                row.setString(5, action);
                row.setString(6, detailJson);
                row.executeUpdate();
            }
            return null;
        });
    }

    private static long epoch(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? 0 : t.getTime();
    }

    /** The room's closed sign-ins, newest first, before {@code beforeId} (0: from the newest). */
    public List<Signin> signins(RoomRef room, long beforeId, int limit) {
        return transaction(c -> {
            try (PreparedStatement q = c.prepareStatement("""
                    select * from signins where bid = ? and room_id = ? and (? = 0 or signin_id < ?)
                    order by signin_id desc limit ?""")) {
                q.setString(1, room.bid());
                q.setString(2, room.room());
                q.setLong(3, beforeId);
                q.setLong(4, beforeId);
                q.setInt(5, limit);
                List<Signin> out = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Signin(rs.getLong("signin_id"), rs.getLong("opened_by"), epoch(rs, "opened_at"),
                                epoch(rs, "closes_at"), epoch(rs, "closed_at"), rs.getInt("signed"), rs.getInt("late"), rs.getInt("absent")));
                    }
                }
                return out;
            }
        });
    }

    /** One sign-in's attendance in uin order after {@code afterUin}. */
    public List<Attendance> attendance(RoomRef room, long signinId, long afterUin, int limit) {
        return transaction(c -> {
            try (PreparedStatement q = c.prepareStatement("""
                    select uin, status, signed_at from attendance where bid = ? and room_id = ? and signin_id = ? and uin > ?
                    order by uin limit ?""")) {
                q.setString(1, room.bid());
                q.setString(2, room.room());
                q.setLong(3, signinId);
                q.setLong(4, afterUin);
                q.setInt(5, limit);
                List<Attendance> out = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        Timestamp t = rs.getTimestamp("signed_at");
                        out.add(new Attendance(rs.getLong("uin"), rs.getString("status"), t == null ? null : t.getTime()));
                    }
                }
                return out;
            }
        });
    }

    public List<Quiz> quizzes(RoomRef room, long beforeId, int limit) {
        return transaction(c -> {
            try (PreparedStatement q = c.prepareStatement("""
                    select * from quizzes where bid = ? and room_id = ? and (? = 0 or quiz_id < ?) order by quiz_id desc limit ?""")) {
                q.setString(1, room.bid());
                q.setString(2, room.room());
                q.setLong(3, beforeId);
                q.setLong(4, beforeId);
                q.setInt(5, limit);
                List<Quiz> out = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Quiz(rs.getLong("quiz_id"), rs.getLong("started_by"), rs.getString("options"), rs.getString("correct"),
                                epoch(rs, "started_at"), epoch(rs, "closes_at"), epoch(rs, "closed_at"), rs.getInt("answered"),
                                rs.getInt("right_count"), rs.getString("counts")));
                    }
                }
                return out;
            }
        });
    }

    /** One quiz's answers in uin order after {@code afterUin}. */
    public Map<Long, String> answers(RoomRef room, long quizId, long afterUin, int limit) {
        return transaction(c -> {
            try (PreparedStatement q = c.prepareStatement("""
                    select uin, choice from answers where bid = ? and room_id = ? and quiz_id = ? and uin > ? order by uin limit ?""")) {
                q.setString(1, room.bid());
                q.setString(2, room.room());
                q.setLong(3, quizId);
                q.setLong(4, afterUin);
                q.setInt(5, limit);
                Map<Long, String> out = new java.util.LinkedHashMap<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getLong("uin"), rs.getString("choice"));
                    }
                }
                return out;
            }
        });
    }

    public List<Packet> packets(RoomRef room, long beforeId, int limit) {
        return transaction(c -> {
            try (PreparedStatement q = c.prepareStatement("""
                    select * from red_packets where bid = ? and room_id = ? and (? = 0 or packet_id < ?) order by packet_id desc limit ?""")) {
                q.setString(1, room.bid());
                q.setString(2, room.room());
                q.setLong(3, beforeId);
                q.setLong(4, beforeId);
                q.setInt(5, limit);
                List<Packet> out = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Packet(rs.getLong("packet_id"), rs.getLong("sent_by"), rs.getLong("total_cents"), rs.getInt("shares"),
                                epoch(rs, "sent_at"), epoch(rs, "expires_at"), epoch(rs, "settled_at"), rs.getLong("claimed_cents"),
                                rs.getInt("claimed_count"), rs.getLong("unclaimed_cents"), rs.getInt("unclaimed_count")));
                    }
                }
                return out;
            }
        });
    }

    /** One packet's grabs, uin to cents. */
    public Map<Long, Long> grabs(RoomRef room, long packetId) {
        return transaction(c -> {
            try (PreparedStatement q = c.prepareStatement(
                    "select uin, cents from red_packet_grabs where bid = ? and room_id = ? and packet_id = ? order by uin")) {
                q.setString(1, room.bid());
                q.setString(2, room.room());
                q.setLong(3, packetId);
                Map<Long, Long> out = new java.util.LinkedHashMap<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getLong("uin"), rs.getLong("cents"));
                    }
                }
                return out;
            }
        });
    }

    /** The room's audit log, oldest first, after {@code afterId}. */
    public List<AuditEntry> audit(RoomRef room, long afterId, int limit) {
        return transaction(c -> {
            try (PreparedStatement q = c.prepareStatement("""
                    select id, actor_uin, actor_role, action, detail::text as detail, at from audit_log
                    where bid = ? and room_id = ? and id > ? order by id limit ?""")) {
                q.setString(1, room.bid());
                q.setString(2, room.room());
                q.setLong(3, afterId);
                q.setInt(4, limit);
                List<AuditEntry> out = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AuditEntry(rs.getLong("id"), rs.getLong("actor_uin"), rs.getString("actor_role"),
                                rs.getString("action"), rs.getString("detail"), epoch(rs, "at")));
                    }
                }
                return out;
            }
        });
    }
}
