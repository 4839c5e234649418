package dev.ledger.domain.value;

/** How a position is margined: ISOLATED with its own margin, CROSS from the account's pool. */
public enum MarginMode {
    ISOLATED, CROSS
}
