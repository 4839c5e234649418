package dev.ledger.domain.event;

import dev.ledger.domain.value.FollowEndReason;
import org.axonframework.serialization.Revision;

/**
 * {@code copier}'s follow of {@code leader} ended. {@code stillMirrored}: the copier holds positions of the
 * leader that keep following its closes (WITH_LEADER or LOSS_LIMIT), so lead trades still look at it.
 */
@Revision("1")
public record FollowerLeft(String leader, String copier, FollowEndReason reason, boolean stillMirrored,
                           int activeFollowers) implements LeaderBookEvent {
}
