package dev.ledger.domain.value;

/** What one follow made of one lead trade. */
public enum CopyOutcome {
    /** The full wanted quantity was booked (for a closing-only trade: the copier's position was reduced or closed). */
    COPIED,
    /** The opening part was cut by {@code maxTotalMargin} and more than 0 was booked. */
    CLIPPED,
    /** The opening part (or, for a closing-only trade, the close) was not booked; the reason says why. */
    SKIPPED
}
