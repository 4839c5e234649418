package dev.ledger.domain.event;

/**
 * An event of a leader's book: the terms an elite trader offers, and who follows it. The book's
 * aggregate identifier is {@code USER:LEADER}; {@code leader} is the user.
 */
public sealed interface LeaderBookEvent permits LeaderTermsSet, FollowerJoined, FollowerLeft, FollowerReleased {

    String leader();
}
