package dev.ledger.domain.event;

import org.axonframework.serialization.Revision;

/** {@code copier} follows {@code leader} (an active follow); {@code activeFollowers} counts it. */
@Revision("1")
public record FollowerJoined(String leader, String copier, int activeFollowers) implements LeaderBookEvent {
}
