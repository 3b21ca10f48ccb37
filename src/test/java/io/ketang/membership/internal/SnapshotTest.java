package io.ketang.membership.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ketang.membership.api.Seat;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

class SnapshotTest {

    @Test
    void whatIsWrittenReadsBackIntoTheSameLists(@TempDir Path dir) throws Exception {
        MemberDirectory directory = new MemberDirectory();
        RoomRef room = new RoomRef("school", "r1");
        directory.put(new MemberEntry(room, 1, Terminal.PC, Role.TEACHER, "node-a", "s1", null, 10));
        directory.put(new MemberEntry(room, 2, Terminal.APP, Role.STUDENT, "node-b", null, "g1", 20));
        directory.put(new MemberEntry(room, 2, Terminal.WEB, Role.STUDENT, "node-a", "s3", "g1", 30));
        Path file = dir.resolve("members.snapshot");

        Snapshot.of("topic-1", directory, Map.of(0, 41L, 1, 7L)).write(file);
        Snapshot read = Snapshot.read(file).orElseThrow();

        assertThat(read.offsets()).containsEntry(0, 41L).containsEntry(1, 7L);
        assertThat(read.topicId()).isEqualTo("topic-1");
        MemberDirectory restored = new MemberDirectory();
        read.entries().forEach(restored::put);
        assertThat(restored.roster(room).size()).isEqualTo(2);
        assertThat(restored.roster(room).get(2).terminals())
                .containsEntry(Terminal.APP, new Seat("node-b", null)).containsEntry(Terminal.WEB, new Seat("node-a", "s3"));
        assertThat(restored.roster(room).get(1).terminals()).containsEntry(Terminal.PC, new Seat("node-a", "s1"));
        assertThat(restored.roster(room).counts()).isEqualTo(directory.roster(room).counts());
    }

    @Test
    void aMissingOrDamagedSnapshotMeansReplayEverything(@TempDir Path dir) throws Exception {
        assertThat(Snapshot.read(dir.resolve("none"))).isEmpty();
        Path damaged = dir.resolve("damaged");
        Files.writeString(damaged, "{\"format\":\"ketang-members-snapshot-1\",\"offsets\":{\"0\":5}}\n{not json");
        assertThat(Snapshot.read(damaged)).isEmpty();
    }
}
