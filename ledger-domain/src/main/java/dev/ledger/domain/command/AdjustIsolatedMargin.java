package dev.ledger.domain.command;

import dev.ledger.domain.value.Book;

import java.math.BigDecimal;

/** Moves free balance into (positive amount) or out of (negative) an ISOLATED position's margin. */
public record AdjustIsolatedMargin(String id, String account, String symbol, BigDecimal amount,
                                   @OptionalField Book book) implements LedgerCommand {
    public AdjustIsolatedMargin {
        book = book == null ? Book.PERSONAL : book;
    }

    public AdjustIsolatedMargin(String id, String account, String symbol, BigDecimal amount) {
        this(id, account, symbol, amount, Book.PERSONAL);
    }
}
