package dev.ledger.domain.event;

import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/** The market's mark price of a symbol. */
@Revision("1")
public record MarkPriceUpdated(String symbol, BigDecimal price) implements MarketEvent {
}
