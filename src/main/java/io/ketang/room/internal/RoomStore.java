package io.ketang.room.internal;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import io.ketang.room.api.ChatMode;
import io.ketang.room.api.NewRoom;
import io.ketang.room.api.RoomConflictException;
import io.ketang.room.api.RoomStatus;
import io.ketang.room.api.RoomView;
import io.ketang.shared.RoomRef;

/** Rooms in PostgreSQL, through Jakarta Persistence. Every state change is one transaction. */
@ApplicationScoped
public class RoomStore {

    @PersistenceContext(unitName = "ketang")
    EntityManager em;

    @Transactional
    public RoomView create(NewRoom room) {
        if (em.find(RoomEntity.class, new RoomEntity.Key(room.ref().bid(), room.ref().room())) != null) {
            throw new RoomConflictException("room " + room.ref().room() + " exists");
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        RoomEntity e = new RoomEntity();
        e.bid = room.ref().bid();
        e.roomId = room.ref().room();
        e.title = room.title();
        e.teacherUin = room.teacherUin();
        e.status = RoomStatus.CREATED.wireName();
        e.groupSize = room.groupSize();
        e.chatMode = room.chatMode().wireName();
        e.createdAt = now;
        e.updatedAt = now;
        em.persist(e);
        return view(e);
    }

    @Transactional
    public Optional<RoomView> find(RoomRef ref) {
        return Optional.ofNullable(em.find(RoomEntity.class, new RoomEntity.Key(ref.bid(), ref.room()))).map(RoomStore::view);
    }

    /** Moves a room to a new status; empty when there is no such room. */
    @Transactional
    public Optional<RoomView> transition(RoomRef ref, RoomStatus to) {
        RoomEntity e = em.find(RoomEntity.class, new RoomEntity.Key(ref.bid(), ref.room()),
                jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (e == null) {
            return Optional.empty();
        }
        RoomStatus from = status(e);
        if (from == to) {
            return Optional.of(view(e));
        }
        boolean allowed = (from == RoomStatus.CREATED && to != RoomStatus.CREATED) || (from == RoomStatus.LIVE && to == RoomStatus.ENDED);
        if (!allowed) {
            throw new RoomConflictException("room " + ref.room() + " is " + from.wireName() + " and cannot become " + to.wireName());
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        e.moveTo(to.wireName(), now, to == RoomStatus.LIVE, to == RoomStatus.ENDED);
        return Optional.of(view(e));
    }

    /** Sets the room's chat mode; empty when there is no such room. */
    @Transactional
    public Optional<RoomView> setChatMode(RoomRef ref, ChatMode mode) {
        RoomEntity e = em.find(RoomEntity.class, new RoomEntity.Key(ref.bid(), ref.room()));
        if (e == null) {
            return Optional.empty();
        }
        e.changeChatMode(mode.wireName(), OffsetDateTime.now(ZoneOffset.UTC));
        return Optional.of(view(e));
    }

    /** A page of a business's rooms in id order, optionally of one status or id prefix, after a room id. */
    @Transactional
    public List<RoomView> list(String bid, Optional<RoomStatus> status, String idPrefix, String afterRoomId, int limit) {
        StringBuilder jpql = new StringBuilder("select r from RoomEntity r where r.bid = :bid and r.roomId > :after");
        status.ifPresent(s -> jpql.append(" and r.status = :status"));
        boolean prefixed = idPrefix != null && !idPrefix.isEmpty();
        if (prefixed) {
            jpql.append(" and r.roomId like :prefix escape '!'");
        }
        jpql.append(" order by r.roomId");
        var query = em.createQuery(jpql.toString(), RoomEntity.class)
                .setParameter("bid", bid)
                .setParameter("after", afterRoomId == null ? "" : afterRoomId)
                .setMaxResults(limit);
        status.ifPresent(s -> query.setParameter("status", s.wireName()));
        if (prefixed) {
            query.setParameter("prefix", idPrefix.replace("!", "!!").replace("_", "!_").replace("%", "!%") + "%");
        }
        return query.getResultList().stream().map(RoomStore::view).toList();
    }

    private static RoomStatus status(RoomEntity e) {
        return RoomStatus.valueOf(e.status.toUpperCase(Locale.ROOT));
    }

    private static RoomView view(RoomEntity e) {
        return new RoomView(new RoomRef(e.bid, e.roomId), e.title, e.teacherUin, status(e), e.groupSize,
                ChatMode.parse(e.chatMode).orElse(ChatMode.OPEN), instant(e.createdAt), instant(e.openedAt), instant(e.closedAt));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
