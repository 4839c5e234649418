package dev.ledger.domain.event;

import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/** The migration credited a legacy wallet's balance to this (new FUTURES) account. */
@Revision("1")
public record FundsMigratedIn(String account, String from, String asset, BigDecimal amount, BigDecimal walletAfter)
        implements AccountEvent {
}
