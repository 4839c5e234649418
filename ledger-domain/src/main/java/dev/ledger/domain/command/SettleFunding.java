package dev.ledger.domain.command;

import dev.ledger.domain.value.Book;

import java.math.BigDecimal;

/** Settles a funding payment {@code round8(quantity*markPrice*rate)}: a LONG pays it, a SHORT receives it. */
public record SettleFunding(String id, String account, String symbol, BigDecimal rate, BigDecimal markPrice,
                            @OptionalField Book book) implements LedgerCommand {
    public SettleFunding {
        book = book == null ? Book.PERSONAL : book;
    }

    public SettleFunding(String id, String account, String symbol, BigDecimal rate, BigDecimal markPrice) {
        this(id, account, symbol, rate, markPrice, Book.PERSONAL);
    }
}
