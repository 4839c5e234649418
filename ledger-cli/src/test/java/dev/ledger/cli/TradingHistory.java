package dev.ledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mixed trading history as {@code apply} lines, with the figures {@code accounting.md} gives for it,
 * and helpers to read the command line's JSON back. Figures worked by hand:
 * <ul>
 *     <li>dan:FUTURES deposits 10000; BUY 2 BTCUSDT at 30000, 10x ISOLATED, fee 1.2: entryNotional 60000,
 *     positionMargin 6000, wallet 9998.8 ({@link #OPENING});</li>
 *     <li>mark 31000; SELL 0.5 at 31000, fee 0.3: realizedPnl round8(31000*0.5) - 60000*0.5/2 = 500, wallet
 *     10498.5, entryNotional 45000, positionMargin 4500, unrealizedPnl 46500 - 45000 = 1500, maintenance
 *     margin 31000*1.5*0.005 = 232.5, liquidation price (45000-4500)/(1.5*0.995) = 27135.67839196
 *     ({@link #REDUCING});</li>
 *     <li>eve:LEGACY deposits 5000, copies dan (COPY book, LONG 0.1 at 31000 5x CROSS) and trades on her
 *     own (PERSONAL, SHORT 0.1 at 31000 5x ISOLATED, margin 620): crossMaintenanceMargin 15.5,
 *     crossMarginBalance 5000 - 620 = 4380, ratio 15.5/4380 = 0.00353881 ({@link #LEGACY}).</li>
 * </ul>
 */
final class TradingHistory {

    static final List<String> OPENING = List.of(
            "{\"id\":\"t1\",\"type\":\"ConfigureSymbol\",\"symbol\":\"BTCUSDT\",\"settleAsset\":\"USDT\",\"maintenanceMarginRate\":\"0.005\",\"maxLeverage\":100}",
            "{\"id\":\"t2\",\"type\":\"OpenAccount\",\"account\":\"dan:FUTURES\"}",
            "{\"id\":\"t3\",\"type\":\"Deposit\",\"account\":\"dan:FUTURES\",\"asset\":\"USDT\",\"amount\":\"10000\"}",
            "{\"id\":\"t4\",\"type\":\"RecordFill\",\"account\":\"dan:FUTURES\",\"symbol\":\"BTCUSDT\",\"side\":\"BUY\",\"quantity\":\"2\",\"price\":\"30000\",\"fee\":\"1.2\",\"leverage\":10,\"marginMode\":\"ISOLATED\"}");

    static final List<String> REDUCING = List.of(
            "{\"id\":\"t5\",\"type\":\"UpdateMarkPrice\",\"symbol\":\"BTCUSDT\",\"price\":\"31000\"}",
            "{\"id\":\"t6\",\"type\":\"RecordFill\",\"account\":\"dan:FUTURES\",\"symbol\":\"BTCUSDT\",\"side\":\"SELL\",\"quantity\":\"0.5\",\"price\":\"31000\",\"fee\":\"0.3\",\"leverage\":10,\"marginMode\":\"ISOLATED\"}");

    static final List<String> LEGACY = List.of(
            "{\"id\":\"t7\",\"type\":\"OpenAccount\",\"account\":\"eve:LEGACY\"}",
            "{\"id\":\"t8\",\"type\":\"Deposit\",\"account\":\"eve:LEGACY\",\"asset\":\"USDT\",\"amount\":\"5000\"}",
            "{\"id\":\"t9\",\"type\":\"RecordFill\",\"account\":\"eve:LEGACY\",\"symbol\":\"BTCUSDT\",\"side\":\"BUY\",\"quantity\":\"0.1\",\"price\":\"31000\",\"fee\":\"0\",\"leverage\":5,\"marginMode\":\"CROSS\",\"book\":\"COPY\",\"leader\":\"dan\"}",
            "{\"id\":\"t10\",\"type\":\"RecordFill\",\"account\":\"eve:LEGACY\",\"symbol\":\"BTCUSDT\",\"side\":\"SELL\",\"quantity\":\"0.1\",\"price\":\"31000\",\"fee\":\"0\",\"leverage\":5,\"marginMode\":\"ISOLATED\"}");

    static final Set<String> RISK_FIELDS = Set.of("account", "crossMaintenanceMargin", "crossMarginBalance",
            "crossMarginRatio", "liquidatable", "positions");
    static final Set<String> POSITION_FIELDS = Set.of("symbol", "side", "quantity", "entryPrice", "entryNotional",
            "markPrice", "leverage", "marginMode", "positionMargin", "unrealizedPnl", "maintenanceMargin",
            "liquidationPrice", "liquidatable");
    static final Set<String> PERFORMANCE_FIELDS = Set.of("account", "realizedPnl", "fees", "funding", "profitShare", "netPnl",
            "unrealizedPnl", "totalPnl", "netInflow", "peakNetInflow", "roi", "wins", "losses", "winRate", "maxDrawdown");

    private static final ObjectMapper JSON = new ObjectMapper();

    private TradingHistory() {
    }

    /** Applies {@code parts} in order, each with its own {@code apply} run, and checks none was refused. */
    @SafeVarargs
    static void apply(String db, Path directory, List<String>... parts) {
        apply(new String[]{"--db", db}, directory, parts);
    }

    /** The same on the store that {@code storeOptions} name ({@code --db URL}, {@code --db-user USER}, ...). */
    @SafeVarargs
    static void apply(String[] storeOptions, Path directory, List<String>... parts) {
        for (List<String> part : parts) {
            applyLines(storeOptions, directory, part);
        }
    }

    static void applyLines(String db, Path directory, List<String> lines) {
        applyLines(new String[]{"--db", db}, directory, lines);
    }

    static void applyLines(String[] storeOptions, Path directory, List<String> lines) {
        try {
            Path file = Files.createTempFile(directory, "history", ".jsonl");
            Files.writeString(file, String.join("\n", lines) + "\n");
            List<String> args = new ArrayList<>(List.of("apply", file.toString(), "--strict"));
            args.addAll(List.of(storeOptions));
            CliRun apply = CliRun.of(args.toArray(String[]::new));
            assertThat(apply.exitCode()).as(apply.out() + apply.err()).isZero();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The output of a {@code --json} run, parsed; the run must have succeeded. */
    static JsonNode json(CliRun run) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        return parse(run.out());
    }

    static JsonNode parse(String document) {
        try {
            return JSON.readTree(document);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + document, e);
        }
    }

    static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    /** An amount field: a JSON string holding a decimal, compared by value. */
    static BigDecimal amount(JsonNode node, String field) {
        JsonNode value = node.get(field);
        assertThat(value).as(field).isNotNull();
        assertThat(value.isTextual()).as(field + " is a string: " + value).isTrue();
        return new BigDecimal(value.asText());
    }

    /** The field names of each element of an array. */
    static List<Set<String>> fieldNamesOfEach(JsonNode array) {
        List<Set<String>> names = new ArrayList<>();
        array.forEach(element -> names.add(fieldNames(element)));
        return names;
    }
}
