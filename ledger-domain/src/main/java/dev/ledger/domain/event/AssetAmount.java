package dev.ledger.domain.event;

import java.math.BigDecimal;

/** An amount in one asset, inside an event that carries figures per asset. */
public record AssetAmount(String asset, BigDecimal amount) {
}
