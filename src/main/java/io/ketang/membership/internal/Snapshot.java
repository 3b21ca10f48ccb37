package io.ketang.membership.internal;

import static io.ketang.shared.Jsonp.JSON;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.json.JsonObject;

import io.ketang.membership.api.Member;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * A node's member lists on disk with the members-topic offsets they cover, so that a restarted
 * node loads them and replays only what came after. Text, one JSON object per line: first the
 * offsets, then one line per session entry. Written to a temporary file and moved into place, so
 * a crash mid-write leaves the previous snapshot.
 *
 * @param topicId the members topic's id: a snapshot of another topic (recreated, another cluster) is void
 * @param entries the session entries
 * @param offsets per partition of the members topic, the next offset to read
 */
public record Snapshot(String topicId, List<MemberEntry> entries, Map<Integer, Long> offsets) {

    static final String FORMAT = "ketang-members-snapshot-1";

    /** What the directory holds now, with the offsets it covers. */
    public static Snapshot of(String topicId, MemberDirectory directory, Map<Integer, Long> offsets) {
        List<MemberEntry> entries = new ArrayList<>();
        for (RoomRef room : directory.rooms()) {
            Roster roster = directory.roster(room);
            if (roster == null) {
                continue;
            }
            for (Member m : roster.all()) {
                m.terminals().forEach((terminal, seat) -> entries.add(new MemberEntry(room, m.uin(), terminal, m.role(),
                        seat.node(), seat.session(), m.group(), m.joinedAt())));
            }
        }
        return new Snapshot(topicId, entries, Map.copyOf(offsets));
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            var offsetsJson = JSON.createObjectBuilder();
            offsets.forEach((p, o) -> offsetsJson.add(String.valueOf(p), o));
            out.write(JSON.createObjectBuilder().add("format", FORMAT).add("topicId", topicId).add("offsets", offsetsJson)
                    .build().toString());
            out.newLine();
            for (MemberEntry e : entries) {
                var line = JSON.createObjectBuilder().add("bid", e.room().bid()).add("room", e.room().room())
                        .add("uin", e.uin()).add("terminal", e.terminal().wireName()).add("role", e.role().wireName())
                        .add("node", e.node()).add("joinedAt", e.joinedAt());
                if (e.session() != null) {
                    line.add("session", e.session());
                }
                if (e.group() != null) {
                    line.add("group", e.group());
                }
                out.write(line.build().toString());
                out.newLine();
            }
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The snapshot in the file, or empty when there is none or it cannot be read (then replay all). */
    public static Optional<Snapshot> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonObject header = parse(in.readLine());
            if (!FORMAT.equals(header.getString("format", ""))) {
                return Optional.empty();
            }
            Map<Integer, Long> offsets = new HashMap<>();
            header.getJsonObject("offsets").forEach((p, o) -> offsets.put(Integer.parseInt(p),
                    ((jakarta.json.JsonNumber) o).longValue()));
            List<MemberEntry> entries = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonObject e = parse(line);
                entries.add(new MemberEntry(new RoomRef(e.getString("bid"), e.getString("room")),
                        e.getJsonNumber("uin").longValue(), Terminal.parse(e.getString("terminal")).orElseThrow(),
                        Role.parse(e.getString("role")).orElseThrow(), e.getString("node"), e.getString("session", null),
                        e.getString("group", null),
                        e.getJsonNumber("joinedAt").longValue()));
            }
            return Optional.of(new Snapshot(header.getString("topicId", ""), List.copyOf(entries), Map.copyOf(offsets)));
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    private static JsonObject parse(String line) {
        try (var reader = JSON.createReader(new StringReader(line))) {
            return reader.readObject();
        }
    }
}
