package dev.ledger.api.support;

import dev.ledger.api.Ledger;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.Liquidate;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.event.FundsMigratedIn;
import dev.ledger.domain.event.FundsMigratedOut;
import dev.ledger.domain.event.MigrationCompleted;
import dev.ledger.domain.event.MigrationStarted;
import dev.ledger.domain.event.PositionMigratedIn;
import dev.ledger.domain.event.PositionMigratedOut;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;
import dev.ledger.projections.accounts.AccountStatus;
import dev.ledger.projections.balance.AssetBalance;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static dev.ledger.domain.value.Book.COPY;
import static dev.ledger.domain.value.Book.ELITE;
import static dev.ledger.domain.value.Book.PERSONAL;
import static dev.ledger.domain.value.MarginMode.CROSS;
import static dev.ledger.domain.value.MarginMode.ISOLATED;
import static dev.ledger.domain.value.Side.BUY;
import static dev.ledger.domain.value.Side.SELL;

/**
 * A population of legacy users for the migration tests, with fixed command ids (so that a test can send
 * anything again after a restart) and every figure that the tests expect stated from accounting.md:
 * <ul>
 *     <li>{@code ann}: PERSONAL positions only (one partly reduced at a profit), USDT and BTC;</li>
 *     <li>{@code ben}: one PERSONAL position, and an ETH wallet back at 0;</li>
 *     <li>{@code cat}: money only; {@code ivy}: nothing at all;</li>
 *     <li>{@code dan}: an open COPY position (leader eve) and a PERSONAL one;</li>
 *     <li>{@code eve}: an elite trader with an open ELITE position, a PERSONAL one, USDT and BTC;</li>
 *     <li>{@code fay}: open COPY and ELITE positions;</li>
 *     <li>{@code gus}: an ELITE position that closed before the migration (his ELITE account opens anyway);</li>
 *     <li>{@code hal}: two open COPY positions (leaders eve and fay);</li>
 *     <li>{@code zed}: no legacy account, only FUTURES.</li>
 * </ul>
 * Marks: BTCUSDT 31000, ETHUSDT 1900.
 */
public final class LegacyPopulation {

    public static final String BTC = "BTCUSDT";
    public static final String ETH = "ETHUSDT";
    public static final String USDT = "USDT";

    /** Legacy users, in user-name order. */
    public static final List<String> USERS = List.of("ann", "ben", "cat", "dan", "eve", "fay", "gus", "hal", "ivy");
    /** Users with no open COPY or ELITE position: their migration completes when it starts. */
    public static final Set<String> IMMEDIATE = Set.of("ann", "ben", "cat", "gus", "ivy");
    /** Users waiting after the start, with their open COPY and ELITE positions. */
    public static final Map<String, int[]> WAITING = Map.of("dan", new int[]{1, 0}, "eve", new int[]{0, 1},
            "fay", new int[]{1, 1}, "hal", new int[]{2, 0});
    /** Users whose legacy account ever had an accepted ELITE-book fill. */
    public static final Set<String> EVER_ELITE = Set.of("eve", "fay", "gus");

    private LegacyPopulation() {
    }

    public static BigDecimal d(String value) {
        return new BigDecimal(value);
    }

    public static String legacy(String user) {
        return user + ":LEGACY";
    }

    public static RecordFill fill(String id, String account, String symbol, Side side, String quantity, String price,
                                  String fee, int leverage, MarginMode mode, Book book, String leader) {
        return new RecordFill(id, account, symbol, side, d(quantity), d(price), d(fee), leverage, mode, book, leader);
    }

    /** The market, every account, deposits and fills. */
    public static List<LedgerCommand> setup() {
        List<LedgerCommand> c = new ArrayList<>();
        c.add(new ConfigureSymbol("setup-btc", BTC, USDT, d("0.005"), 125));
        c.add(new ConfigureSymbol("setup-eth", ETH, USDT, d("0.01"), 50));
        for (String user : USERS) {
            c.add(new OpenAccount("setup-open-" + user, legacy(user)));
        }
        c.add(new OpenAccount("setup-open-zed", "zed:FUTURES"));
        c.add(new Deposit("setup-zed-usdt", "zed:FUTURES", USDT, d("100")));

        String ann = legacy("ann");
        c.add(new Deposit("setup-ann-usdt", ann, USDT, d("50000")));
        c.add(new Deposit("setup-ann-btc", ann, "BTC", d("0.25")));
        c.add(fill("setup-ann-f1", ann, BTC, BUY, "0.5", "30000", "1.5", 10, ISOLATED, PERSONAL, null));
        c.add(fill("setup-ann-f2", ann, BTC, SELL, "0.2", "31500", "0.6", 10, ISOLATED, PERSONAL, null));
        c.add(fill("setup-ann-f3", ann, ETH, SELL, "4", "2000", "0.8", 5, CROSS, PERSONAL, null));

        String ben = legacy("ben");
        c.add(new Deposit("setup-ben-usdt", ben, USDT, d("20000.12345678")));
        c.add(new Deposit("setup-ben-eth", ben, "ETH", d("2")));
        c.add(new Withdraw("setup-ben-eth-out", ben, "ETH", d("2")));
        c.add(fill("setup-ben-f1", ben, BTC, BUY, "0.1", "30000", "0.3", 20, CROSS, PERSONAL, null));

        c.add(new Deposit("setup-cat-usdt", legacy("cat"), USDT, d("1000")));

        String dan = legacy("dan");
        c.add(new Deposit("setup-dan-usdt", dan, USDT, d("30000")));
        c.add(fill("setup-dan-f1", dan, BTC, SELL, "0.3", "30000", "0.9", 10, ISOLATED, COPY, "eve"));
        c.add(fill("setup-dan-f2", dan, ETH, BUY, "1", "2000", "0.2", 10, ISOLATED, PERSONAL, null));

        String eve = legacy("eve");
        c.add(new Deposit("setup-eve-usdt", eve, USDT, d("40000")));
        c.add(new Deposit("setup-eve-btc", eve, "BTC", d("0.1")));
        c.add(fill("setup-eve-f1", eve, BTC, BUY, "1", "30000", "3", 10, ISOLATED, ELITE, null));
        c.add(fill("setup-eve-f2", eve, BTC, SELL, "0.05", "30000", "0", 10, CROSS, PERSONAL, null));

        String fay = legacy("fay");
        c.add(new Deposit("setup-fay-usdt", fay, USDT, d("60000")));
        c.add(fill("setup-fay-f1", fay, ETH, BUY, "2", "2000", "0.4", 5, CROSS, COPY, "eve"));
        c.add(fill("setup-fay-f2", fay, BTC, SELL, "0.5", "30000", "1.5", 20, ISOLATED, ELITE, null));

        String gus = legacy("gus");
        c.add(new Deposit("setup-gus-usdt", gus, USDT, d("10000")));
        c.add(fill("setup-gus-f1", gus, BTC, BUY, "0.1", "30000", "0", 10, ISOLATED, ELITE, null));
        c.add(fill("setup-gus-f2", gus, BTC, SELL, "0.1", "30500", "0", 10, ISOLATED, ELITE, null));

        String hal = legacy("hal");
        c.add(new Deposit("setup-hal-usdt", hal, USDT, d("25000")));
        c.add(fill("setup-hal-f1", hal, BTC, BUY, "0.2", "30000", "0", 10, CROSS, COPY, "eve"));
        c.add(fill("setup-hal-f2", hal, ETH, SELL, "3", "2000", "0", 10, ISOLATED, COPY, "fay"));

        c.add(new UpdateMarkPrice("setup-mark-btc", BTC, d("31000")));
        c.add(new UpdateMarkPrice("setup-mark-eth", ETH, d("1900")));
        return c;
    }

    /**
     * Per waiting user, the commands that close its COPY and ELITE positions, in order: the last one
     * completes the migration. Closing fills and liquidations both occur.
     */
    public static Map<String, List<LedgerCommand>> closes() {
        Map<String, List<LedgerCommand>> closes = new LinkedHashMap<>();
        closes.put("dan", List.of(
                fill("close-dan-1", legacy("dan"), BTC, BUY, "0.3", "29000", "0.87", 10, ISOLATED, COPY, "eve")));
        closes.put("eve", List.of(new Liquidate("close-eve-1", legacy("eve"), BTC, d("26000"), ELITE)));
        closes.put("fay", List.of(
                fill("close-fay-1", legacy("fay"), ETH, SELL, "2", "1900", "0.38", 5, CROSS, COPY, "eve"),
                new Liquidate("close-fay-2", legacy("fay"), BTC, d("31000"), ELITE)));
        closes.put("hal", List.of(
                fill("close-hal-1", legacy("hal"), BTC, SELL, "0.2", "31000", "0", 10, CROSS, COPY, "eve"),
                new Liquidate("close-hal-2", legacy("hal"), ETH, d("1900"), COPY)));
        return closes;
    }

    /**
     * What the closes book in USDT, per waiting user (accounting.md, Positions):
     * dan SHORT 0.3 closed at 29000: 9000 - 8700 = +300, fee 0.87;
     * eve LONG 1 ISOLATED (margin 3000) liquidated at 26000: -4000 capped at -3000;
     * fay LONG 2 ETH closed at 1900: 3800 - 4000 = -200, fee 0.38; SHORT 0.5 liquidated at 31000: -500 (cap 750);
     * hal LONG 0.2 closed at 31000: +200; SHORT 3 ETH liquidated at 1900: +300 (a profit is booked in full).
     */
    public static Map<String, BigDecimal> usdtBookedByCloses() {
        return Map.of("dan", d("299.13"), "eve", d("-3000"), "fay", d("-700.38"), "hal", d("500"));
    }

    /**
     * What {@link #migrationBookings} must find once everybody has migrated (setup, waves and closes, nothing
     * else): per user one start and one completion, every legacy wallet moved once with its exact amount (a
     * wallet at 0 too), every PERSONAL position moved once.
     */
    public static Map<String, Integer> expectedMigrationBookings() {
        Map<String, Integer> expected = new TreeMap<>();
        for (String user : USERS) {
            expected.put("started " + user, 1);
            expected.put("completed " + user, 1);
        }
        String[][] wallets = {
                {"ann", "BTC", "0.25"}, {"ann", USDT, "50297.1"}, // 50000 - 1.5 + 300 - 0.6 - 0.8
                {"ben", "ETH", "0"}, {"ben", USDT, "19999.82345678"}, // 20000.12345678 - 0.3
                {"cat", USDT, "1000"},
                {"dan", USDT, "30298.03"}, // 30000 - 0.9 - 0.2 + 299.13
                {"eve", "BTC", "0.1"}, {"eve", USDT, "36997"}, // 40000 - 3 - 3000
                {"fay", USDT, "59297.72"}, // 60000 - 0.4 - 1.5 - 700.38
                {"gus", USDT, "10050"}, // 10000 + 50
                {"hal", USDT, "25500"}}; // 25000 + 500
        for (String[] w : wallets) {
            expected.put("funds out " + legacy(w[0]) + " " + w[1] + " " + w[2], 1);
            expected.put("funds in " + w[0] + ":FUTURES " + w[1] + " " + w[2], 1);
        }
        String[][] positions = {{"ann", BTC}, {"ann", ETH}, {"ben", BTC}, {"dan", ETH}, {"eve", BTC}};
        for (String[] p : positions) {
            expected.put("position out " + legacy(p[0]) + " " + p[1], 1);
            expected.put("position in " + p[0] + ":FUTURES " + p[1], 1);
        }
        return expected;
    }

    /** The keys whose counts differ, as {@code key -> "expected E, found F"} (empty when both agree). */
    public static Map<String, String> differences(Map<String, Integer> found, Map<String, Integer> expected) {
        Map<String, String> differences = new TreeMap<>();
        Set<String> keys = new java.util.TreeSet<>(found.keySet());
        keys.addAll(expected.keySet());
        for (String key : keys) {
            int e = expected.getOrDefault(key, 0);
            int f = found.getOrDefault(key, 0);
            if (e != f) {
                differences.put(key, "expected " + e + ", found " + f);
            }
        }
        return differences;
    }

    /** Per asset, the sum over every account of {@code user} of wallet + in transit, from the balance read model. */
    public static Map<String, BigDecimal> moneyOf(Ledger ledger, String user) {
        Map<String, BigDecimal> sums = new TreeMap<>();
        for (AccountStatus account : ledger.accounts(user).accounts()) {
            for (AssetBalance balance : ledger.balance(account.account()).orElseThrow().balances()) {
                sums.merge(balance.asset(), balance.wallet().add(balance.inTransit()), BigDecimal::add);
            }
        }
        sums.replaceAll((asset, sum) -> sum.setScale(8));
        return sums;
    }

    /**
     * What the migration booked, per stored event: {@code "started USER"}, {@code "completed USER"},
     * {@code "funds out|in ACCOUNT ASSET AMOUNT"}, {@code "position out|in ACCOUNT SYMBOL"}, with how often each
     * occurs. Exactly once each is what "nothing moved twice" means.
     */
    public static Map<String, Integer> migrationBookings(List<RawEvents.Row> rows) {
        Map<String, Integer> found = new TreeMap<>();
        for (RawEvents.Row row : rows) {
            String key = null;
            if (row.event() instanceof MigrationStarted e) {
                key = "started " + e.user();
            } else if (row.event() instanceof MigrationCompleted e) {
                key = "completed " + e.user();
            } else if (row.event() instanceof FundsMigratedOut e) {
                key = "funds out " + e.account() + " " + e.asset() + " " + e.amount().stripTrailingZeros().toPlainString();
            } else if (row.event() instanceof FundsMigratedIn e) {
                key = "funds in " + e.account() + " " + e.asset() + " " + e.amount().stripTrailingZeros().toPlainString();
            } else if (row.event() instanceof PositionMigratedOut e) {
                key = "position out " + e.account() + " " + e.symbol();
            } else if (row.event() instanceof PositionMigratedIn e) {
                key = "position in " + e.account() + " " + e.symbol();
            }
            if (key != null) {
                found.merge(key, 1, Integer::sum);
            }
        }
        return found;
    }
}
