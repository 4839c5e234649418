package dev.ledger.domain.command;

/** Opens the account {@code USER:TYPE}. */
public record OpenAccount(String id, String account) implements LedgerCommand {
}
