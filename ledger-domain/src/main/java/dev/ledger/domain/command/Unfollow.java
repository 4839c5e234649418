package dev.ledger.domain.command;

import dev.ledger.domain.value.CloseMode;

/**
 * Ends {@code copier}'s follow of {@code leader} and settles the pair's profit share. With {@code WITH_LEADER}
 * (the default) the copier's positions of this leader keep following the leader's reduces and closes; with
 * {@code MANUAL} nothing is mirrored any more.
 */
public record Unfollow(String id, String copier, String leader, @OptionalField CloseMode close)
        implements LedgerCommand {
    public Unfollow {
        close = close == null ? CloseMode.WITH_LEADER : close;
    }

    public Unfollow(String id, String copier, String leader) {
        this(id, copier, leader, CloseMode.WITH_LEADER);
    }
}
