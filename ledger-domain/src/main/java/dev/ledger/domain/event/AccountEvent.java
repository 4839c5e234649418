package dev.ledger.domain.event;

/**
 * An event of one account aggregate. Every event names its account and carries the figures a reader
 * needs without loading anything else. Names and fields are a contract once released: change them
 * with a new {@code @Revision} and an upcaster.
 */
public sealed interface AccountEvent
        permits AccountOpened, FundsDeposited, FundsWithdrawn, TransferSent, TransferReceived, TransferSettled,
        PositionOpened, PositionIncreased, PositionReduced, FeeCharged, IsolatedMarginAdjusted, FundingSettled,
        PositionLiquidated, InsuranceFundCovered, MigrationStarted, MigrationOverdue, FundsMigratedOut,
        FundsMigratedIn, PositionMigratedOut, PositionMigratedIn, MigrationCompleted, FollowStarted, FollowEnded, TradeCopied,
        ProfitShareSettled, ProfitShareReceived {

    /** The account ({@code USER:TYPE}) whose event stream this event belongs to. */
    String account();
}
