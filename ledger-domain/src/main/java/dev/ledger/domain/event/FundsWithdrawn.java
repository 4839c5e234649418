package dev.ledger.domain.event;

import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/** External money left the account; {@code walletAfter} is the asset's wallet balance after it. */
@Revision("1")
public record FundsWithdrawn(String account, String asset, BigDecimal amount, BigDecimal walletAfter)
        implements AccountEvent {
}
