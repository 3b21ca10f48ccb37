-- Room settings that Ketang acts on get columns of their own; `settings` stays for the rest.
alter table rooms
    add column group_size int not null default 0 check (group_size between 0 and 10000),
    add column chat_mode varchar(16) not null default 'open' check (chat_mode in ('open', 'group', 'staff-only'));
