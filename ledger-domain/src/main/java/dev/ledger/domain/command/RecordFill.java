package dev.ledger.domain.command;

import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Books a trade that the exchange executed. {@code book} (default PERSONAL) applies to LEGACY accounts,
 * with {@code leader} naming the copied elite trader of a COPY-book fill. On a COPY account {@code leader}
 * names the copied position the fill reduces or closes (a copier's own fill may never open, increase or
 * flip a copied position). Elsewhere both are ignored, but they are part of the command's content.
 */
public record RecordFill(String id, String account, String symbol, Side side, BigDecimal quantity, BigDecimal price,
                         BigDecimal fee, Integer leverage, MarginMode marginMode,
                         @OptionalField Book book, @OptionalField String leader) implements LedgerCommand {
    public RecordFill {
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(marginMode, "marginMode");
        book = book == null ? Book.PERSONAL : book;
    }

    /** A fill outside the legacy books. */
    public RecordFill(String id, String account, String symbol, Side side, BigDecimal quantity, BigDecimal price,
                      BigDecimal fee, Integer leverage, MarginMode marginMode) {
        this(id, account, symbol, side, quantity, price, fee, leverage, marginMode, Book.PERSONAL, null);
    }
}
