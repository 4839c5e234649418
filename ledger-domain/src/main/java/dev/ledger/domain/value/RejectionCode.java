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
    UNKNOWN_SYMBOL,
    LEVERAGE_TOO_HIGH,

    // Checks against state.
    ACCOUNT_NOT_FOUND,
    ACCOUNT_RETIRED,
    ACCOUNT_ALREADY_OPEN,
    MIGRATION_RESTRICTED,
    NO_POSITION,
    LEVERAGE_MISMATCH,
    MARGIN_MODE_MISMATCH,
    INSUFFICIENT_FUNDS,
    INSUFFICIENT_MARGIN
}
