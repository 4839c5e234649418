package dev.ledger.domain.event;

import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/** Last leg of a transfer, on the source account: the target was credited, nothing is in transit any more. */
@Revision("1")
public record TransferSettled(String transferId, String from, String to, String asset, BigDecimal amount,
                              BigDecimal inTransitAfter) implements AccountEvent {
    @Override
    public String account() {
        return from;
    }
}
