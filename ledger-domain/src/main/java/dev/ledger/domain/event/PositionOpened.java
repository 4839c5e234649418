package dev.ledger.domain.event;

import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.PositionSide;
import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/**
 * A fill opened a position (also the opening part of a flip). {@code entryNotional = round8(price*quantity)};
 * ISOLATED: {@code positionMargin = round8(price*quantity/leverage)}, CROSS: 0. {@code book} is the position's
 * book in a LEGACY account, COPY for a COPY account's position that copies a leader, else PERSONAL; {@code leader}
 * is the copied elite trader of a legacy COPY-book position, or the leader a COPY account's position copies.
 */
@Revision("1")
public record PositionOpened(String account, String tradeId, String symbol, String settleAsset, Book book,
                             String leader, PositionSide side, BigDecimal quantity, BigDecimal price,
                             BigDecimal entryNotional, int leverage, MarginMode marginMode,
                             BigDecimal positionMargin) implements AccountEvent {
}
