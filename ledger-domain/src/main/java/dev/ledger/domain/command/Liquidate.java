package dev.ledger.domain.command;

import dev.ledger.domain.value.Book;

import java.math.BigDecimal;

/**
 * Closes a whole position at {@code price}, with no fee; the loss is capped and the rest covered by
 * insurance. {@code book} names the position of a LEGACY account, {@code leader} the copied position of a
 * COPY account (default: the copier's own position).
 */
public record Liquidate(String id, String account, String symbol, BigDecimal price,
                        @OptionalField Book book,
                        @OptionalField(contentWhenAbsent = false) String leader) implements LedgerCommand {
    public Liquidate {
        book = book == null ? Book.PERSONAL : book;
    }

    public Liquidate(String id, String account, String symbol, BigDecimal price, Book book) {
        this(id, account, symbol, price, book, null);
    }

    public Liquidate(String id, String account, String symbol, BigDecimal price) {
        this(id, account, symbol, price, Book.PERSONAL, null);
    }
}
