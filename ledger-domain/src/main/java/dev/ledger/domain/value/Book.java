package dev.ledger.domain.value;

/** The book of a position in a LEGACY account: personal trading, copying an elite trader, or an elite trader's own strategy. */
public enum Book {
    PERSONAL, COPY, ELITE
}
