package dev.ledger.domain.command;

import dev.ledger.domain.value.Book;

import java.math.BigDecimal;

/**
 * Settles a funding payment {@code round8(quantity*markPrice*rate)}: a LONG pays it, a SHORT receives it.
 * {@code book} names the position of a LEGACY account, {@code leader} the copied position of a COPY
 * account (default: the copier's own position).
 */
public record SettleFunding(String id, String account, String symbol, BigDecimal rate, BigDecimal markPrice,
                            @OptionalField Book book,
                            @OptionalField(contentWhenAbsent = false) String leader) implements LedgerCommand {
    public SettleFunding {
        book = book == null ? Book.PERSONAL : book;
    }

    public SettleFunding(String id, String account, String symbol, BigDecimal rate, BigDecimal markPrice, Book book) {
        this(id, account, symbol, rate, markPrice, book, null);
    }

    public SettleFunding(String id, String account, String symbol, BigDecimal rate, BigDecimal markPrice) {
        this(id, account, symbol, rate, markPrice, Book.PERSONAL, null);
    }
}
