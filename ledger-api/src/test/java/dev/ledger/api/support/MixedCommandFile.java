package dev.ledger.api.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A file of mixed commands as an operator would send them with {@code ledger apply}: symbols and marks on
 * two symbols, accounts of every type, deposits, transfers both ways, fills in FUTURES, COPY and ELITE
 * accounts, legacy fills on all three books, migrations, withdrawals, funding and liquidations, with
 * plenty of refusals among them. The set-up lines have fixed ids (sent again they are duplicates); the
 * rest carry the file's own prefix, so files of several seeds can go to one store.
 */
public final class MixedCommandFile {

    private final Random random;
    private final String prefix;
    private final List<String> lines = new ArrayList<>();
    private int next;

    private MixedCommandFile(long seed, String prefix) {
        this.random = new Random(seed);
        this.prefix = prefix;
    }

    /** {@code commands} lines (at least the set-up) for {@code seed}; ids of the non-set-up lines start with {@code prefix}. */
    public static List<String> lines(long seed, String prefix, int commands) {
        MixedCommandFile file = new MixedCommandFile(seed, prefix);
        file.setUp();
        while (file.lines.size() < commands) {
            file.oneMore();
        }
        return List.copyOf(file.lines);
    }

    public static Path write(Path file, List<String> lines) {
        try {
            return Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final int USERS = 40;
    private static final int LEGACY_USERS = 20;

    private void setUp() {
        fixed("sym-btc", "{\"type\":\"ConfigureSymbol\",\"symbol\":\"BTCUSDT\",\"settleAsset\":\"USDT\",\"maintenanceMarginRate\":\"0.005\",\"maxLeverage\":100}");
        fixed("sym-eth", "{\"type\":\"ConfigureSymbol\",\"symbol\":\"ETHUSDT\",\"settleAsset\":\"USDT\",\"maintenanceMarginRate\":\"0.01\",\"maxLeverage\":50}");
        for (int u = 0; u < USERS; u++) {
            for (String type : new String[]{"FUTURES", "COPY", "ELITE"}) {
                fixed("open-u" + u + "-" + type, "{\"type\":\"OpenAccount\",\"account\":\"u" + u + ":" + type + "\"}");
            }
        }
        for (int u = 0; u < LEGACY_USERS; u++) {
            fixed("open-l" + u, "{\"type\":\"OpenAccount\",\"account\":\"l" + u + ":LEGACY\"}");
        }
    }

    private void oneMore() {
        int roll = random.nextInt(100);
        String user = "u" + random.nextInt(USERS);
        String legacy = "l" + random.nextInt(LEGACY_USERS);
        String symbol = random.nextBoolean() ? "BTCUSDT" : "ETHUSDT";
        String price = symbol.equals("BTCUSDT") ? Integer.toString(25_000 + random.nextInt(10_000))
                : Integer.toString(1_500 + random.nextInt(1_000));
        if (roll < 10) {
            String account = random.nextInt(4) == 0 ? legacy + ":LEGACY" : user + ":FUTURES";
            line("{\"type\":\"Deposit\",\"account\":\"" + account + "\",\"asset\":\"USDT\",\"amount\":\""
                    + (1_000 + random.nextInt(50_000)) + "\"}");
        } else if (roll < 25) {
            String other = user + ":" + (random.nextBoolean() ? "COPY" : "ELITE");
            boolean out = random.nextInt(3) > 0;
            line("{\"type\":\"Transfer\",\"from\":\"" + (out ? user + ":FUTURES" : other) + "\",\"to\":\""
                    + (out ? other : user + ":FUTURES") + "\",\"asset\":\"USDT\",\"amount\":\"" + (1 + random.nextInt(8_000)) + "\"}");
        } else if (roll < 55) {
            String account = user + ":" + new String[]{"FUTURES", "COPY", "ELITE"}[random.nextInt(3)];
            line("{\"type\":\"RecordFill\",\"account\":\"" + account + "\",\"symbol\":\"" + symbol + "\",\"side\":\""
                    + (random.nextBoolean() ? "BUY" : "SELL") + "\",\"quantity\":\"" + quantity() + "\",\"price\":\"" + price
                    + "\",\"fee\":\"" + random.nextInt(3) + "." + random.nextInt(100) + "\",\"leverage\":"
                    + new int[]{5, 10, 20}[random.nextInt(3)] + ",\"marginMode\":\""
                    + (random.nextBoolean() ? "ISOLATED" : "CROSS") + "\"}");
        } else if (roll < 63) {
            line("{\"type\":\"UpdateMarkPrice\",\"symbol\":\"" + symbol + "\",\"price\":\"" + price + "\"}");
        } else if (roll < 78) {
            String book = new String[]{"PERSONAL", "COPY", "ELITE"}[random.nextInt(3)];
            line("{\"type\":\"RecordFill\",\"account\":\"" + legacy + ":LEGACY\",\"symbol\":\"" + symbol + "\",\"side\":\""
                    + (random.nextBoolean() ? "BUY" : "SELL") + "\",\"quantity\":\"" + quantity() + "\",\"price\":\"" + price
                    + "\",\"fee\":\"0.5\",\"leverage\":10,\"marginMode\":\"ISOLATED\",\"book\":\"" + book + "\""
                    + (book.equals("COPY") ? ",\"leader\":\"" + user + "\"" : "") + "}");
        } else if (roll < 82) {
            line("{\"type\":\"StartMigration\",\"user\":\"" + legacy + "\"}");
        } else if (roll < 88) {
            line("{\"type\":\"Withdraw\",\"account\":\"" + user + ":FUTURES\",\"asset\":\"USDT\",\"amount\":\""
                    + (1 + random.nextInt(20_000)) + "\"}");
        } else if (roll < 95) {
            String account = random.nextInt(3) == 0 ? legacy + ":LEGACY" : user + ":" + new String[]{"FUTURES", "COPY", "ELITE"}[random.nextInt(3)];
            line("{\"type\":\"SettleFunding\",\"account\":\"" + account + "\",\"symbol\":\"" + symbol
                    + "\",\"rate\":\"0.0001\",\"markPrice\":\"" + price + "\"}");
        } else {
            String account = user + ":" + new String[]{"FUTURES", "COPY", "ELITE"}[random.nextInt(3)];
            line("{\"type\":\"Liquidate\",\"account\":\"" + account + "\",\"symbol\":\"" + symbol + "\",\"price\":\"" + price + "\"}");
        }
    }

    private String quantity() {
        return "0." + String.format("%03d", 1 + random.nextInt(999));
    }

    private void fixed(String id, String body) {
        lines.add("{\"id\":\"" + id + "\"," + body.substring(1));
    }

    private void line(String body) {
        lines.add("{\"id\":\"" + prefix + (next++) + "\"," + body.substring(1));
    }
}
