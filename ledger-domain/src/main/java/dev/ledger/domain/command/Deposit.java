package dev.ledger.domain.command;

import java.math.BigDecimal;

/** External money entering a FUTURES or LEGACY account. */
public record Deposit(String id, String account, String asset, BigDecimal amount) implements LedgerCommand {
}
