package dev.ledger.domain.event;

import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/**
 * First leg of a transfer, on the source account: {@code amount} left the wallet and is in transit
 * until {@link TransferSettled}. {@code transferId} is the id of the {@code Transfer} command.
 */
@Revision("1")
public record TransferSent(String transferId, String from, String to, String asset, BigDecimal amount,
                           BigDecimal walletAfter, BigDecimal inTransitAfter) implements AccountEvent {
    @Override
    public String account() {
        return from;
    }
}
