-- The classroom's records: what was held in Redis while it ran, written once it closed.
-- Ids (signin_id, quiz_id, packet_id) count up per room.

create table signins (
    bid         varchar(64)  not null,
    room_id     varchar(128) not null,
    signin_id   bigint       not null,
    opened_by   bigint       not null,
    opened_at   timestamptz  not null,
    closes_at   timestamptz  not null,
    closed_at   timestamptz  not null,
    signed      int          not null,
    late        int          not null,
    absent      int          not null,
    primary key (bid, room_id, signin_id)
);

-- one row per student of the room at the sign-in: signed in time, late (joined after it opened, then
-- signed) or absent (did not sign)
create table attendance (
    bid         varchar(64)  not null,
    room_id     varchar(128) not null,
    signin_id   bigint       not null,
    uin         bigint       not null,
    status      varchar(8)   not null check (status in ('signed', 'late', 'absent')),
    signed_at   timestamptz,
    primary key (bid, room_id, signin_id, uin)
);

create table quizzes (
    bid         varchar(64)  not null,
    room_id     varchar(128) not null,
    quiz_id     bigint       not null,
    started_by  bigint       not null,
    options     jsonb        not null,
    correct     varchar(64),
    started_at  timestamptz  not null,
    closes_at   timestamptz  not null,
    closed_at   timestamptz  not null,
    answered    int          not null,
    right_count int          not null,
    counts      jsonb        not null,
    primary key (bid, room_id, quiz_id)
);

create table answers (
    bid         varchar(64)  not null,
    room_id     varchar(128) not null,
    quiz_id     bigint       not null,
    uin         bigint       not null,
    choice      varchar(64)  not null,
    primary key (bid, room_id, quiz_id, uin)
);

create table red_packets (
    bid             varchar(64)  not null,
    room_id         varchar(128) not null,
    packet_id       bigint       not null,
    sent_by         bigint       not null,
    total_cents     bigint       not null check (total_cents > 0),
    shares          int          not null check (shares > 0),
    sent_at         timestamptz  not null,
    expires_at      timestamptz  not null,
    settled_at      timestamptz  not null,
    claimed_cents   bigint       not null,
    claimed_count   int          not null,
    unclaimed_cents bigint       not null,
    unclaimed_count int          not null,
    primary key (bid, room_id, packet_id),
    check (claimed_cents + unclaimed_cents = total_cents),
    check (claimed_count + unclaimed_count = shares)
);

create table red_packet_grabs (
    bid         varchar(64)  not null,
    room_id     varchar(128) not null,
    packet_id   bigint       not null,
    uin         bigint       not null,
    cents       bigint       not null check (cents > 0),
    primary key (bid, room_id, packet_id, uin)
);

-- what staff and admins did to a room: kick, mute, unmute, chat mode, close, ...
create table audit_log (
    id          bigserial    primary key,
    bid         varchar(64)  not null,
    room_id     varchar(128) not null,
    actor_uin   bigint       not null,
    actor_role  varchar(16)  not null,
    action      varchar(32)  not null,
    detail      jsonb        not null default '{}'::jsonb,
    at          timestamptz  not null default now()
);

create index audit_by_room on audit_log (bid, room_id, id);
