-- Rooms and their lifecycle: created -> live -> ended.
-- A room is named by the business (bid) that owns it and that business's own room id.
create table rooms (
    bid         varchar(64)  not null,
    room_id     varchar(128) not null,
    title       varchar(200) not null,
    teacher_uin bigint       not null,
    status      varchar(16)  not null default 'created'
                check (status in ('created', 'live', 'ended')),
    -- room settings (group size for small classes, chat mode, ...), as JSON
    settings    jsonb        not null default '{}'::jsonb,
    created_at  timestamptz  not null default now(),
    updated_at  timestamptz  not null default now(),
    opened_at   timestamptz,
    closed_at   timestamptz,
    primary key (bid, room_id)
);

create index rooms_by_status on rooms (bid, status);
