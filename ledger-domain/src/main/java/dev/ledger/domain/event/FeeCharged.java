package dev.ledger.domain.event;

import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/** The trading fee of one fill, debited from the wallet of the settle asset. */
@Revision("1")
public record FeeCharged(String account, String tradeId, String symbol, String asset, BigDecimal fee,
                         BigDecimal walletAfter) implements AccountEvent {
}
