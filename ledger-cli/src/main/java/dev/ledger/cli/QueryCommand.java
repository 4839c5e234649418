package dev.ledger.cli;

import picocli.CommandLine.Command;

/** The read models, one subcommand each. */
@Command(name = "query", description = {
        "Reads the read models: balance, risk, performance, follows, followers, copies (each also --at an instant), "
                + "accounts, migration.",
        "An unknown account exits with status 2 and ACCOUNT_NOT_FOUND on standard error."},
        subcommands = {BalanceQuery.class, RiskQuery.class, PerformanceQuery.class, AccountsQuery.class,
                MigrationQuery.class, FollowsQuery.class, FollowersQuery.class, CopiesQuery.class})
final class QueryCommand {
}
