package dev.ledger.domain.event;

import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/** The migration moved a legacy wallet's whole balance ({@code amount}, even 0) to {@code to}. */
@Revision("1")
public record FundsMigratedOut(String account, String to, String asset, BigDecimal amount, BigDecimal walletAfter)
        implements AccountEvent {
}
