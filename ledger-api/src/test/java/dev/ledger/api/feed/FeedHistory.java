package dev.ledger.api.feed;

import dev.ledger.api.audit.AuditExport;
import dev.ledger.api.audit.ExportFilter;
import dev.ledger.api.audit.ExportFormat;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.value.MarginMode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.ledger.api.support.Commands.buy;
import static dev.ledger.api.support.Commands.configure;
import static dev.ledger.api.support.Commands.deposit;
import static dev.ledger.api.support.Commands.mark;
import static dev.ledger.api.support.Commands.open;
import static dev.ledger.api.support.Commands.sell;
import static dev.ledger.api.support.Commands.transfer;

/** A small history of several users (accounts, money, transfers, trades, marks) and the export to compare with. */
final class FeedHistory {

    private FeedHistory() {
    }

    /** The set-up: one symbol, and for each user a FUTURES and a COPY account with money in it. */
    static List<LedgerCommand> setUp(String... users) {
        List<LedgerCommand> commands = new ArrayList<>();
        commands.add(configure("BTCUSDT", "USDT", "0.005", 125));
        for (String user : users) {
            commands.add(open(user + ":FUTURES"));
            commands.add(open(user + ":COPY"));
            commands.add(deposit(user + ":FUTURES", "USDT", "100000"));
        }
        return commands;
    }

    /** One round of activity per user: a transfer, a fill opened and half closed, and a mark tick. */
    static List<LedgerCommand> round(int round, String... users) {
        List<LedgerCommand> commands = new ArrayList<>();
        for (String user : users) {
            commands.add(transfer(user + ":FUTURES", user + ":COPY", "USDT", "1." + round));
            commands.add(buy(user + ":FUTURES", "BTCUSDT", "0.2", "30000", "0.5", 10, MarginMode.ISOLATED));
            commands.add(sell(user + ":FUTURES", "BTCUSDT", "0.1", "30100", "0.5", 10, MarginMode.ISOLATED));
        }
        commands.add(mark("BTCUSDT", "3000" + (round % 10)));
        return commands;
    }

    /** The event lines of {@code ledger export --format cloudevents} of the whole store (the trailer left out). */
    static List<String> exportedLines(LedgerStore store) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            AuditExport.write(store, ExportFilter.all(), ExportFormat.CLOUDEVENTS, out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> lines = new ArrayList<>(out.toString(StandardCharsets.UTF_8).lines().toList());
        lines.remove(lines.size() - 1);
        return lines;
    }

    /** A line without its chain attributes ({@code ledgerprevhash}, {@code ledgerhash}). */
    static String unchained(String line) {
        return line.replaceAll(",\"ledgerhash\":\"[0-9a-f]{64}\"", "")
                .replaceAll(",\"ledgerprevhash\":\"[0-9a-f]{64}\"", "");
    }
}
