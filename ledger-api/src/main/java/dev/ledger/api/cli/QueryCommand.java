package dev.ledger.api.cli;

import picocli.CommandLine.Command;

/** The read models, one subcommand each. */
@Command(name = "query", description = "Reads the read models (balance, accounts).",
        subcommands = {BalanceQuery.class, AccountsQuery.class})
final class QueryCommand {
}
