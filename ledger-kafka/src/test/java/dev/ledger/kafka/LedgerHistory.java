package dev.ledger.kafka;

import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Commands that give a ledger a few hundred events over several users and the market. */
final class LedgerHistory {

    static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi");

    private static final AtomicLong IDS = new AtomicLong();

    private LedgerHistory() {
    }

    private static String id() {
        return "k-" + IDS.incrementAndGet();
    }

    static List<LedgerCommand> setUp() {
        List<LedgerCommand> commands = new ArrayList<>();
        commands.add(new ConfigureSymbol(id(), "BTCUSDT", "USDT", new BigDecimal("0.005"), 125));
        for (String user : USERS) {
            commands.add(new OpenAccount(id(), user + ":FUTURES"));
            commands.add(new OpenAccount(id(), user + ":COPY"));
            commands.add(new Deposit(id(), user + ":FUTURES", "USDT", new BigDecimal("100000")));
        }
        return commands;
    }

    /** Per user a transfer (3 events) and a fill opened then half closed; then a mark tick. */
    static List<LedgerCommand> round(int round) {
        List<LedgerCommand> commands = new ArrayList<>();
        for (String user : USERS) {
            commands.add(new Transfer(id(), user + ":FUTURES", user + ":COPY", "USDT", new BigDecimal("1." + round)));
            commands.add(new RecordFill(id(), user + ":FUTURES", "BTCUSDT", Side.BUY, new BigDecimal("0.2"),
                    new BigDecimal("30000"), new BigDecimal("0.5"), 10, MarginMode.ISOLATED));
            commands.add(new RecordFill(id(), user + ":FUTURES", "BTCUSDT", Side.SELL, new BigDecimal("0.1"),
                    new BigDecimal("30100"), new BigDecimal("0.5"), 10, MarginMode.ISOLATED));
        }
        commands.add(new UpdateMarkPrice(id(), "BTCUSDT", new BigDecimal("3000" + (round % 10))));
        return commands;
    }
}
