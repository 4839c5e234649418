package dev.ledger.domain.value;

/** The side of a net position. */
public enum PositionSide {
    LONG, SHORT
}
