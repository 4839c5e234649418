package dev.ledger.domain.command;

/**
 * A command to the ledger. Every command carries an {@code id} chosen by the caller (1 to 128
 * characters); the same id with the same content again is a duplicate, with other content a conflict.
 * The records mirror the JSON command types of {@code cli.md}. Names and numbers are held raw (strings,
 * {@code BigDecimal}s, {@code Integer}s, even {@code null}) so that a bad value reaches the ledger and is
 * refused with its code (INVALID_ACCOUNT, INVALID_AMOUNT, ...) instead of failing in a constructor; the
 * enum fields (side, margin mode, phase) cannot be malformed, only missing, which their constructors
 * refuse at once as a programming error.
 */
public sealed interface LedgerCommand extends Command
        permits OpenAccount, Deposit, Withdraw, Transfer, ConfigureSymbol, UpdateMarkPrice, RecordFill,
        AdjustIsolatedMargin, SettleFunding, Liquidate, SetMigrationPhase, StartMigration, SetLeaderTerms, Follow,
        Unfollow, SettleProfitShare {

}
