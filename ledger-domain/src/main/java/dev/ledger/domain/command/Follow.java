package dev.ledger.domain.command;

import dev.ledger.domain.value.FollowMode;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * {@code copier}'s COPY account starts copying {@code leader}'s ELITE account. With {@code FIXED_AMOUNT}
 * each opening lead trade commits {@code amount} of margin; with {@code RATIO} the copier takes {@code ratio}
 * times the lead quantity; exactly one of the two is given. {@code maxTotalMargin} caps the margin the
 * copier's positions of this leader hold at once, per asset; {@code maxLoss} ends the follow by itself
 * once the pair's net PnL has fallen that far below its value at the start.
 */
public record Follow(String id, String copier, String leader, FollowMode mode,
                     @OptionalField BigDecimal amount, @OptionalField BigDecimal ratio,
                     @OptionalField BigDecimal maxTotalMargin, @OptionalField BigDecimal maxLoss)
        implements LedgerCommand {
    public Follow {
        Objects.requireNonNull(mode, "mode");
    }

    public static Follow byRatio(String id, String copier, String leader, BigDecimal ratio) {
        return new Follow(id, copier, leader, FollowMode.RATIO, null, ratio, null, null);
    }

    public static Follow byAmount(String id, String copier, String leader, BigDecimal amount) {
        return new Follow(id, copier, leader, FollowMode.FIXED_AMOUNT, amount, null, null, null);
    }

    public Follow withMaxTotalMargin(BigDecimal cap) {
        return new Follow(id, copier, leader, mode, amount, ratio, cap, maxLoss);
    }

    public Follow withMaxLoss(BigDecimal limit) {
        return new Follow(id, copier, leader, mode, amount, ratio, maxTotalMargin, limit);
    }
}
