package dev.ledger.domain.event;

import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/** Second leg of a transfer, on the target account: {@code amount} entered the wallet. */
@Revision("1")
public record TransferReceived(String transferId, String from, String to, String asset, BigDecimal amount,
                               BigDecimal walletAfter) implements AccountEvent {
    @Override
    public String account() {
        return to;
    }
}
