package dev.ledger.domain.value;

/**
 * Why the ledger refused a command. The constants are declared in the order of precedence of
 * {@code accounting.md}: when several apply, the checks run in this order and the first one wins.
 * The names are a stable contract; callers may switch on them.
 */
public enum RejectionCode {
    /** The command id was used before with other content; the first record stays. */
    IDEMPOTENCY_CONFLICT,

    // Checks of the command alone.
    /** An account name that is not {@code USER:TYPE}, or a user name that does not match the naming rule. */
    INVALID_ACCOUNT,
    /** A missing, malformed or out-of-range amount, price, quantity, fee, rate, leverage or asset name. */
    INVALID_AMOUNT,
    SAME_ACCOUNT_TRANSFER,
    CROSS_USER_TRANSFER,
    /** A money movement between account types (or into/out of an account type) that the rules do not allow. */
    TRANSFER_NOT_ALLOWED,
    /** A copier naming itself as the leader to follow. */
    SELF_FOLLOW,
    UNKNOWN_SYMBOL,
    LEVERAGE_TOO_HIGH,

    // Checks against state.
    ACCOUNT_NOT_FOUND,
    ACCOUNT_RETIRED,
    ACCOUNT_ALREADY_OPEN,
    MIGRATION_RESTRICTED,
    /** The named user has set no leader terms. */
    NOT_A_LEADER,
    /** The copier already follows this leader. */
    ALREADY_FOLLOWING,
    /** The copier does not follow this leader (an Unfollow of oneself included). */
    NOT_FOLLOWING,
    /** The copier still holds a position of this leader from an earlier follow. */
    COPY_POSITIONS_OPEN,
    /** The leader has as many active follows as its terms allow. */
    FOLLOWER_LIMIT,
    /** A copier's own fill would open, increase or flip a position that copies a leader. */
    COPY_MANAGED,
    NO_POSITION,
    LEVERAGE_MISMATCH,
    MARGIN_MODE_MISMATCH,
    INSUFFICIENT_FUNDS,
    INSUFFICIENT_MARGIN
}
