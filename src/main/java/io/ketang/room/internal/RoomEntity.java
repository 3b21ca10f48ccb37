package io.ketang.room.internal;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A row of {@code rooms} (db/migration). Never leaves this context: others get a {@code RoomView}. */
@Entity
@Table(name = "rooms")
@IdClass(RoomEntity.Key.class)
public class RoomEntity {

    /** The composite key: business and room id. */
    public static class Key implements Serializable {
        private static final long serialVersionUID = 1L;
        String bid;
        String roomId;

        public Key() {
        }

        Key(String bid, String roomId) {
            this.bid = bid;
            this.roomId = roomId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.bid.equals(bid) && k.roomId.equals(roomId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(bid, roomId);
        }
    }

    @Id
    @Column(name = "bid")
    String bid;

    @Id
    @Column(name = "room_id")
    String roomId;

    @Column(name = "title", nullable = false)
    String title;

    @Column(name = "teacher_uin", nullable = false)
    long teacherUin;

    @Column(name = "status", nullable = false)
    String status;

    @Column(name = "group_size", nullable = false)
    int groupSize;

    @Column(name = "chat_mode", nullable = false)
    String chatMode;

    @Column(name = "created_at", nullable = false)
    OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    OffsetDateTime updatedAt;

    @Column(name = "opened_at")
    OffsetDateTime openedAt;

    @Column(name = "closed_at")
    OffsetDateTime closedAt;

    /**
     * Changes the status. Writes to a managed entity go through its own methods: the persistence
     * provider weaves change tracking into this class, and a field written from outside goes unseen.
     */
    void moveTo(String newStatus, OffsetDateTime now, boolean opening, boolean closing) {
        this.status = newStatus;
        this.updatedAt = now;
        if (opening) {
            this.openedAt = now;
        }
        if (closing) {
            this.closedAt = now;
        }
    }

    /** Changes who may chat (through a method of its own, for the same reason as {@link #moveTo}). */
    void changeChatMode(String mode, OffsetDateTime now) {
        this.chatMode = mode;
        this.updatedAt = now;
    }
}
