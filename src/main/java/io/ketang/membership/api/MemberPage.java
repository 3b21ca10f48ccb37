package io.ketang.membership.api;

import java.util.List;

/**
 * One page of a room's member list, in uin order.
 *
 * @param members the members on this page, filtered before paging
 * @param next    the cursor for the next page (the last uin here), or null at the end
 */
public record MemberPage(List<Member> members, Long next) {
}
