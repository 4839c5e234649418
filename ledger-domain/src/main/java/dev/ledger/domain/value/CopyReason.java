package dev.ledger.domain.value;

/** Why a follow's outcome for a lead trade was CLIPPED or SKIPPED. */
public enum CopyReason {
    /** The opening part would leave the copier's available below zero. */
    INSUFFICIENT_MARGIN,
    /** The wanted quantity rounds down to 0 at scale 8. */
    QUANTITY_ZERO,
    /** {@code maxTotalMargin} of the pair cut the opening part (to 0 when SKIPPED). */
    TOTAL_MARGIN_CAP,
    /** A closing-only lead trade, and the copier holds no position of the leader in the symbol. */
    NO_POSITION,
    /** The follow has ended and the lead trade has no closing part. */
    FOLLOW_ENDED
}
