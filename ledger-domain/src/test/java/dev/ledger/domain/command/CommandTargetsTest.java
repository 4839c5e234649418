package dev.ledger.domain.command;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CommandTargetsTest {

    private static final BigDecimal ONE = BigDecimal.ONE;

    @Test
    void namesTheAccountsEachCommandReadsInOrderWithoutRepeats() {
        List<Command> commands = List.of(
                new Deposit("d", "ann:FUTURES", "USDT", ONE),
                new Transfer("t", "ann:FUTURES", "ann:COPY", "USDT", ONE),
                new Withdraw("w", "bob:FUTURES", "USDT", ONE),
                Follow.byRatio("f", "cat", "lea", ONE),
                new SetLeaderTerms("s", "lea", new BigDecimal("0.1"), 10),
                new SettleProfitShare("p", "max"),
                new StartMigration("m", "old"));
        assertThat(CommandTargets.accounts(commands)).containsExactly(
                "ann:FUTURES", "ann:COPY", "bob:FUTURES", "cat:COPY", "lea:ELITE", "max:ELITE",
                "old:FUTURES", "old:COPY", "old:ELITE", "old:LEGACY");
    }

    @Test
    void leavesOutWhatIsMalformedAndWhatReadsNoAccount() {
        List<Command> commands = List.of(
                new Deposit("d", "not an account", "USDT", ONE),
                new Transfer("t", null, "ann:NOPE", "USDT", ONE),
                Follow.byRatio("f", "bad user!", "lea", ONE),
                new OpenAccount("o", "new:FUTURES"),
                new UpdateMarkPrice("u", "BTCUSDT", ONE));
        assertThat(CommandTargets.accounts(commands)).containsExactly("lea:ELITE");
    }
}
