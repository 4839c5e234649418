package dev.ledger.api.trading;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.RandomTrading;
import dev.ledger.api.support.RawEvents;
import dev.ledger.api.support.Recomputed;
import dev.ledger.api.support.StoreKind;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.event.AccountEvent;
import dev.ledger.domain.event.FeeCharged;
import dev.ledger.domain.event.FundingSettled;
import dev.ledger.domain.event.FundsDeposited;
import dev.ledger.domain.event.FundsWithdrawn;
import dev.ledger.domain.event.InsuranceFundCovered;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.event.PositionReduced;
import dev.ledger.domain.event.TransferReceived;
import dev.ledger.domain.event.TransferSent;
import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.PositionSide;
import dev.ledger.projections.performance.PerformanceView;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Money is conserved through trading. Several users trade at random on all their accounts (fills,
 * margin adjustments, funding, liquidations with shortfalls), move money in, out and between their
 * accounts, in groups of commands that share a commit. After the run, from the RAW stored events only:
 * <ul>
 *     <li>per user and asset, the sum of the wallets (the last {@code walletAfter} of each account) equals
 *     deposits - withdrawals + the realized PnL as booked (reduces and liquidations, after the cap) - fees
 *     + funding, exactly; nothing is left in transit;</li>
 *     <li>each liquidation: booked loss + insurance cover = the uncapped loss, the cover is >= 0, the booked
 *     loss is at most the cap (the position's margin when ISOLATED, max(wallet before, 0) when CROSS) and
 *     reaches it whenever there is a cover, and an InsuranceFundCovered event with that amount exists iff
 *     the cover is > 0;</li>
 *     <li>the balance read model equals the wallets folded from the events' amounts (which agree with every
 *     {@code walletAfter}), and the performance read model's realized PnL, fees, funding and net inflow
 *     equal the sums of the events.</li>
 * </ul>
 */
class TradingConservationIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    private static final long[] SEEDS = {5L, 31_337L, 8_675_309L};
    private static final int STEPS = 360;
    private static final List<String> USERS = List.of("ann", "ben", "cat", "dan");
    private static final List<String> TYPES = List.of("FUTURES", "COPY", "ELITE");
    private static final BigDecimal SIZE = new BigDecimal("20000");

    static Stream<Arguments> runs() {
        return Stream.of(StoreKind.values())
                .flatMap(store -> Arrays.stream(SEEDS).mapToObj(seed -> Arguments.of(store, seed)));
    }

    @ParameterizedTest(name = "on {0} with seed {1}")
    @MethodSource("runs")
    void keepsEveryUsersMoneyPerAssetThroughRandomTrading(StoreKind store, long seed) {
        Ledger ledger = ledgers.open(store);
        Random random = new Random(seed);
        RandomTrading trading = new RandomTrading(random, "c" + seed);
        List<String> accounts = new ArrayList<>();
        List<LedgerCommand> setup = new ArrayList<>(trading.listings());
        for (String user : USERS) {
            for (String type : TYPES) {
                accounts.add(user + ":" + type);
                setup.add(new OpenAccount(trading.nextId(), user + ":" + type));
            }
            setup.add(new Deposit(trading.nextId(), user + ":FUTURES", RandomTrading.ASSET, SIZE.multiply(BigDecimal.valueOf(3))));
            setup.add(new Transfer(trading.nextId(), user + ":FUTURES", user + ":COPY", RandomTrading.ASSET, SIZE));
            setup.add(new Transfer(trading.nextId(), user + ":FUTURES", user + ":ELITE", RandomTrading.ASSET, SIZE));
        }
        assertThat(ledger.executeAll(setup)).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Accepted.class));

        Map<String, Integer> tally = new TreeMap<>();
        for (int step = 0; step < STEPS; ) {
            // A few commands at once: they share a group commit, each seeing the ones before it.
            List<LedgerCommand> group = new ArrayList<>();
            for (int size = 1 + random.nextInt(6); size > 0 && step < STEPS; size--, step++) {
                group.add(nextCommand(random, trading));
            }
            List<Outcome> outcomes = ledger.executeAll(group);
            for (int i = 0; i < group.size(); i++) {
                trading.record(group.get(i), outcomes.get(i));
                String result = outcomes.get(i) instanceof Outcome.Rejected r ? r.code().name() : "accepted";
                tally.merge(group.get(i).type() + " " + result, 1, Integer::sum);
            }
        }
        ledger.awaitReadModels();

        List<RawEvents.Row> raw = RawEvents.accountEvents(ledger.store().dataSource());
        Recomputed folded = Recomputed.fold(raw);
        String context = store + ", seed " + seed;
        assertThat(folded.accounts()).as(context).containsExactlyInAnyOrderElementsOf(accounts);
        Liquidations liquidations = checkLiquidations(raw, context);
        checkConservation(raw, folded, context);
        assertThat(Recomputed.readModel(ledger, folded.accounts())).as("balance read model, %s", context)
                .isEqualTo(folded.balances());
        checkPerformance(ledger, raw, accounts, context);

        System.out.printf("TradingConservationIT: %s: %s; liquidations %s%n", context, tally, liquidations);
        assertThat(tally.getOrDefault("RecordFill accepted", 0)).as("accepted fills, %s", context).isGreaterThan(STEPS / 4);
        assertThat(liquidations.covered()).as("liquidations with a shortfall, %s", context).isPositive();
    }

    private static LedgerCommand nextCommand(Random random, RandomTrading trading) {
        int kind = random.nextInt(100);
        String user = USERS.get(random.nextInt(USERS.size()));
        if (kind < 12) {
            return trading.market();
        }
        if (kind < 20) {
            return trading.money(user + ":FUTURES", SIZE);
        }
        if (kind < 30) {
            return trading.transfer(user, SIZE);
        }
        return trading.trade(user + ":" + TYPES.get(random.nextInt(TYPES.size())), SIZE);
    }

    /** Per user and asset: wallets = deposits - withdrawals + booked realized PnL - fees + funding. */
    private static void checkConservation(List<RawEvents.Row> raw, Recomputed folded, String context) {
        Map<String, BigDecimal> lastWallet = new TreeMap<>();
        Map<String, BigDecimal> expected = new TreeMap<>();
        for (RawEvents.Row row : raw) {
            AccountEvent event = row.event();
            String user = AccountId.parse(event.account()).user();
            if (event instanceof FundsDeposited e) {
                add(expected, user, e.asset(), e.amount());
                lastWallet.put(event.account() + " " + e.asset(), e.walletAfter());
            } else if (event instanceof FundsWithdrawn e) {
                add(expected, user, e.asset(), e.amount().negate());
                lastWallet.put(event.account() + " " + e.asset(), e.walletAfter());
            } else if (event instanceof PositionReduced e) {
                add(expected, user, e.settleAsset(), e.realizedPnl());
                lastWallet.put(event.account() + " " + e.settleAsset(), e.walletAfter());
            } else if (event instanceof PositionLiquidated e) {
                add(expected, user, e.settleAsset(), e.realizedPnl());
                lastWallet.put(event.account() + " " + e.settleAsset(), e.walletAfter());
            } else if (event instanceof FeeCharged e) {
                add(expected, user, e.asset(), e.fee().negate());
                lastWallet.put(event.account() + " " + e.asset(), e.walletAfter());
            } else if (event instanceof FundingSettled e) {
                add(expected, user, e.settleAsset(), e.walletChange());
                lastWallet.put(event.account() + " " + e.settleAsset(), e.walletAfter());
            } else if (event instanceof TransferSent e) {
                lastWallet.put(event.account() + " " + e.asset(), e.walletAfter());
            } else if (event instanceof TransferReceived e) {
                lastWallet.put(event.account() + " " + e.asset(), e.walletAfter());
            }
        }
        Map<String, BigDecimal> wallets = new TreeMap<>();
        lastWallet.forEach((key, wallet) -> {
            String[] accountAndAsset = key.split(" ");
            add(wallets, AccountId.parse(accountAndAsset[0]).user(), accountAndAsset[1], wallet);
        });
        wallets.replaceAll((k, v) -> v.setScale(8));
        expected.replaceAll((k, v) -> v.setScale(8));
        assertThat(wallets).as("sum of wallets per user and asset, %s", context).isEqualTo(expected);
        folded.balances().forEach((account, assets) -> assets.forEach((asset, money) -> {
            assertThat(money.inTransit()).as("in transit on %s %s, %s", account, asset, context).isEqualByComparingTo("0");
            assertThat(money.wallet()).as("folded wallet of %s %s, %s", account, asset, context)
                    .isEqualByComparingTo(lastWallet.getOrDefault(account + " " + asset, BigDecimal.ZERO));
        }));
    }

    private record Liquidations(int isolated, int cross, int coveredIsolated, int coveredCross) {
        int covered() {
            return coveredIsolated + coveredCross;
        }
    }

    /** Each liquidation's cap and cover, and the insurance fund's events, from the raw events alone. */
    private static Liquidations checkLiquidations(List<RawEvents.Row> raw, String context) {
        Map<String, BigDecimal> covers = new HashMap<>();
        for (RawEvents.Row row : raw) {
            if (row.event() instanceof InsuranceFundCovered c) {
                String key = c.account() + " " + c.commandId() + " " + c.symbol() + " " + c.book();
                assertThat(covers.put(key, c.amount())).as("a second cover for %s, %s", key, context).isNull();
            }
        }
        int isolated = 0;
        int cross = 0;
        int coveredIsolated = 0;
        int coveredCross = 0;
        for (RawEvents.Row row : raw) {
            if (!(row.event() instanceof PositionLiquidated l)) {
                continue;
            }
            String at = l + ", " + context;
            BigDecimal value = l.price().multiply(l.quantity()).setScale(8, RoundingMode.HALF_EVEN);
            BigDecimal uncapped = l.side() == PositionSide.LONG ? value.subtract(l.releasedCost())
                    : l.releasedCost().subtract(value);
            assertThat(l.uncappedPnl()).as("uncapped PnL of %s", at).isEqualByComparingTo(uncapped);
            // booked loss + cover = uncapped loss, i.e. (-realized) + cover = (-uncapped).
            assertThat(l.realizedPnl().negate().add(l.insuranceCover())).as("booked loss + cover, %s", at)
                    .isEqualByComparingTo(l.uncappedPnl().negate());
            assertThat(l.insuranceCover().signum()).as("cover of %s", at).isNotNegative();
            BigDecimal walletBefore = l.walletAfter().subtract(l.realizedPnl());
            BigDecimal cap = l.marginMode() == MarginMode.ISOLATED ? l.releasedMargin() : walletBefore.max(BigDecimal.ZERO);
            assertThat(l.realizedPnl()).as("booked PnL of %s is within the cap %s", at, cap)
                    .isGreaterThanOrEqualTo(cap.negate());
            String key = l.account() + " " + l.commandId() + " " + l.symbol() + " " + l.book();
            BigDecimal cover = covers.remove(key);
            if (l.insuranceCover().signum() > 0) {
                if (l.marginMode() == MarginMode.ISOLATED) {
                    coveredIsolated++;
                } else {
                    coveredCross++;
                }
                assertThat(l.realizedPnl()).as("a covered loss books the whole cap, %s", at).isEqualByComparingTo(cap.negate());
                assertThat(cover).as("InsuranceFundCovered for %s", at).isNotNull().isEqualByComparingTo(l.insuranceCover());
            } else {
                assertThat(l.realizedPnl()).as("nothing covered: booked in full, %s", at).isEqualByComparingTo(l.uncappedPnl());
                assertThat(cover).as("no InsuranceFundCovered for %s", at).isNull();
            }
            if (l.marginMode() == MarginMode.ISOLATED) {
                isolated++;
            } else {
                cross++;
            }
        }
        assertThat(covers).as("InsuranceFundCovered events without a liquidation, %s", context).isEmpty();
        return new Liquidations(isolated, cross, coveredIsolated, coveredCross);
    }

    /** The performance read model's running sums equal the sums of the account's raw events. */
    private static void checkPerformance(Ledger ledger, List<RawEvents.Row> raw, List<String> accounts, String context) {
        Map<String, BigDecimal[]> sums = new HashMap<>();
        for (String account : accounts) {
            sums.put(account, new BigDecimal[]{BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
        }
        for (RawEvents.Row row : raw) {
            AccountEvent event = row.event();
            BigDecimal[] s = sums.get(event.account());
            if (event instanceof PositionReduced e) {
                s[0] = s[0].add(e.realizedPnl());
            } else if (event instanceof PositionLiquidated e) {
                s[0] = s[0].add(e.realizedPnl());
            } else if (event instanceof FeeCharged e) {
                s[1] = s[1].add(e.fee());
            } else if (event instanceof FundingSettled e) {
                s[2] = s[2].add(e.walletChange());
            } else if (event instanceof FundsDeposited e) {
                s[3] = s[3].add(e.amount());
            } else if (event instanceof FundsWithdrawn e) {
                s[3] = s[3].subtract(e.amount());
            } else if (event instanceof TransferSent e) {
                s[3] = s[3].subtract(e.amount());
            } else if (event instanceof TransferReceived e) {
                s[3] = s[3].add(e.amount());
            }
        }
        for (String account : accounts) {
            PerformanceView p = ledger.performance(account).orElseThrow();
            BigDecimal[] s = sums.get(account);
            String at = p + ", " + context;
            assertThat(p.realizedPnl()).as("realizedPnl, %s", at).isEqualByComparingTo(s[0]);
            assertThat(p.fees()).as("fees, %s", at).isEqualByComparingTo(s[1]);
            assertThat(p.funding()).as("funding, %s", at).isEqualByComparingTo(s[2]);
            assertThat(p.netInflow()).as("netInflow, %s", at).isEqualByComparingTo(s[3]);
            assertThat(p.netPnl()).as("netPnl, %s", at).isEqualByComparingTo(s[0].subtract(s[1]).add(s[2]));
        }
    }

    private static void add(Map<String, BigDecimal> sums, String user, String asset, BigDecimal amount) {
        sums.merge(user + " " + asset, amount, BigDecimal::add);
    }
}
