package dev.ledger.domain.event;

import org.axonframework.serialization.Revision;

/** A copier whose follow had ended holds no position of {@code leader} any more: lead trades stop looking at it. */
@Revision("1")
public record FollowerReleased(String leader, String copier) implements LeaderBookEvent {
}
