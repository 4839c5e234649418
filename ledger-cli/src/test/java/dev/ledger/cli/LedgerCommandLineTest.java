package dev.ledger.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LedgerCommandLineTest {

    @Test
    void showsHelpForEverySubcommand() {
        for (String[] args : new String[][]{{"--help"}, {"demo", "--help"}, {"apply", "--help"}, {"query", "--help"},
                {"query", "balance", "--help"}, {"query", "risk", "--help"}, {"query", "performance", "--help"},
                {"query", "accounts", "--help"}, {"query", "migration", "--help"}, {"migrate", "--help"},
                {"migrate", "start", "--help"}, {"migrate", "wave", "--help"}, {"migrate", "phase", "--help"},
                {"migrate", "status", "--help"}, {"rebuild", "--help"}, {"export", "--help"}, {"verify", "--help"},
                {"compact", "--help"}, {"bench", "--help"}}) {
            CliRun help = CliRun.of(args);
            assertThat(help.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(help.out()).as(String.join(" ", args)).startsWith("Usage: ledger");
        }
    }

    @Test
    void theTopLevelHelpListsEverySubcommandOfCliMd() {
        CliRun help = CliRun.of("--help");

        assertThat(help.out()).contains("demo", "apply", "query", "migrate", "rebuild", "export", "verify", "compact",
                "bench");
        assertThat(CliRun.of("query", "--help").out()).contains("balance", "risk", "performance", "accounts", "migration");
        assertThat(CliRun.of("migrate", "--help").out()).contains("start", "wave", "phase", "status");
    }

    @Test
    void printsAVersion() {
        CliRun version = CliRun.of("--version");

        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("ledger ");
    }

    @Test
    void reportsBadUsageOnOneLineWithExitTwo() {
        for (String[] args : new String[][]{{}, {"frobnicate"}, {"apply"}, {"query"}, {"query", "balance"},
                {"query", "risk"}, {"query", "performance", "a:FUTURES", "b:FUTURES"}, {"migrate"}, {"migrate", "start"},
                {"migrate", "phase"}, {"migrate", "wave", "--limit", "some"}, {"rebuild", "--projection"},
                {"apply", "x.jsonl", "--no-such-option"}, {"bench", "--transfers", "many"}}) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(run.errLines()).as(String.join(" ", args)).singleElement().asString()
                    .startsWith("ledger").contains("--help");
        }
    }

    @Test
    void refusesAStoreUrlOfAnotherDatabase() {
        CliRun query = CliRun.of("query", "accounts", "alice", "--db", "jdbc:mysql://localhost/ledger");

        assertThat(query.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(query.errLines()).singleElement().asString().startsWith("ledger query accounts: --db: unsupported JDBC URL");
    }
}
