package dev.ledger.domain.command;

import dev.ledger.domain.value.Book;

import java.math.BigDecimal;

/**
 * Moves free balance into (positive amount) or out of (negative) an ISOLATED position's margin. {@code book}
 * names the position of a LEGACY account, {@code leader} the copied position of a COPY account (default:
 * the copier's own position); each is ignored on other account types.
 */
public record AdjustIsolatedMargin(String id, String account, String symbol, BigDecimal amount,
                                   @OptionalField Book book,
                                   @OptionalField(contentWhenAbsent = false) String leader) implements LedgerCommand {
    public AdjustIsolatedMargin {
        book = book == null ? Book.PERSONAL : book;
    }

    public AdjustIsolatedMargin(String id, String account, String symbol, BigDecimal amount, Book book) {
        this(id, account, symbol, amount, book, null);
    }

    public AdjustIsolatedMargin(String id, String account, String symbol, BigDecimal amount) {
        this(id, account, symbol, amount, Book.PERSONAL, null);
    }
}
