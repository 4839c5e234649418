package dev.ledger.domain.command;

import dev.ledger.domain.value.Book;

import java.math.BigDecimal;

/** Closes a whole position at {@code price}, with no fee; the loss is capped and the rest covered by insurance. */
public record Liquidate(String id, String account, String symbol, BigDecimal price,
                        @OptionalField Book book) implements LedgerCommand {
    public Liquidate {
        book = book == null ? Book.PERSONAL : book;
    }

    public Liquidate(String id, String account, String symbol, BigDecimal price) {
        this(id, account, symbol, price, Book.PERSONAL);
    }
}
