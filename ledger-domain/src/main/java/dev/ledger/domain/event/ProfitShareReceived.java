package dev.ledger.domain.event;

import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/**
 * A leader's ELITE account received {@code amount} of profit share in {@code asset} from {@code copiers}
 * copiers in one settlement (each payment is a {@link ProfitShareSettled} of the paying copier, with the
 * same command id); {@code walletAfter} is the leader's wallet after it.
 */
@Revision("1")
public record ProfitShareReceived(String account, String asset, BigDecimal amount, int copiers, BigDecimal walletAfter)
        implements AccountEvent {
}
