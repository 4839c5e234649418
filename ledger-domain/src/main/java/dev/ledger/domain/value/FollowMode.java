package dev.ledger.domain.value;

/** How a follow sizes the opening part of a lead trade. */
public enum FollowMode {
    /** Commits {@code amount} of margin per opening lead trade: {@code rounddown8(amount * leverage / price)}. */
    FIXED_AMOUNT,
    /** Copies {@code ratio} times the lead quantity: {@code rounddown8(o * ratio)}. */
    RATIO
}
