package dev.ledger.domain.event;

import dev.ledger.domain.value.CloseMode;
import dev.ledger.domain.value.FollowEndReason;
import org.axonframework.serialization.Revision;

/**
 * The copier's follow of {@code leader} ended: by {@code Unfollow} (reason UNFOLLOWED, {@code close} as
 * asked) or by itself at its loss limit (reason LOSS_LIMIT, {@code close} WITH_LEADER). With WITH_LEADER the
 * copier's positions of the leader keep following the leader's closes.
 */
@Revision("1")
public record FollowEnded(String account, String leader, FollowEndReason reason, CloseMode close)
        implements AccountEvent {
}
