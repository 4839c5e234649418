package dev.ledger.domain.event;

import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.PositionSide;
import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/** The migration moved a PERSONAL legacy position, unchanged, to {@code to}; its round trip here ends. */
@Revision("1")
public record PositionMigratedOut(String account, String to, String symbol, String settleAsset, Book book,
                                  PositionSide side, BigDecimal quantity, BigDecimal entryNotional, int leverage,
                                  MarginMode marginMode, BigDecimal positionMargin) implements AccountEvent {
}
