package dev.ledger.domain.command;

import java.math.BigDecimal;

/** Records the market's mark price of a symbol. */
public record UpdateMarkPrice(String id, String symbol, BigDecimal price) implements LedgerCommand {
}
