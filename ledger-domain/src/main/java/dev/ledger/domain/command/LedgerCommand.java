package dev.ledger.domain.command;

/**
 * A command to the ledger. Every command carries an {@code id} chosen by the caller (1 to 128
 * characters); the same id with the same content again is a duplicate, with other content a conflict.
 * The records mirror the JSON command types of {@code cli.md}; they hold raw values so that a bad
 * value can reach the ledger and be refused with its code instead of failing in a constructor.
 */
public sealed interface LedgerCommand extends Command
        permits OpenAccount, Deposit, Withdraw, Transfer, ConfigureSymbol, UpdateMarkPrice, RecordFill,
        AdjustIsolatedMargin, SettleFunding, Liquidate, SetMigrationPhase, StartMigration {

}
