package dev.ledger.domain.value;

/** The side of a fill: BUY adds to a LONG or reduces a SHORT; SELL the reverse. */
public enum Side {
    BUY, SELL
}
