package dev.ledger.api.trading;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.RawEvents;
import dev.ledger.api.support.StoreKind;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SetMigrationPhase;
import dev.ledger.domain.command.StartMigration;
import dev.ledger.domain.event.FeeCharged;
import dev.ledger.domain.event.FundingSettled;
import dev.ledger.domain.event.InsuranceFundCovered;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.event.PositionOpened;
import dev.ledger.domain.event.PositionReduced;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.MigrationPhase;
import dev.ledger.domain.value.PositionSide;
import dev.ledger.domain.value.Side;
import dev.ledger.projections.balance.AssetBalance;
import dev.ledger.projections.balance.BalanceView;
import dev.ledger.projections.performance.PerformanceView;
import dev.ledger.projections.risk.RiskPosition;
import dev.ledger.projections.risk.RiskView;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.util.List;

import static dev.ledger.api.support.Commands.adjust;
import static dev.ledger.api.support.Commands.buy;
import static dev.ledger.api.support.Commands.configure;
import static dev.ledger.api.support.Commands.dec;
import static dev.ledger.api.support.Commands.deposit;
import static dev.ledger.api.support.Commands.funding;
import static dev.ledger.api.support.Commands.liquidate;
import static dev.ledger.api.support.Commands.mark;
import static dev.ledger.api.support.Commands.nextId;
import static dev.ledger.api.support.Commands.open;
import static dev.ledger.api.support.Commands.sell;
import static dev.ledger.api.support.Commands.transfer;
import static dev.ledger.api.support.Commands.withdraw;
import static dev.ledger.domain.value.MarginMode.CROSS;
import static dev.ledger.domain.value.MarginMode.ISOLATED;
import static dev.ledger.domain.value.PositionSide.LONG;
import static dev.ledger.domain.value.PositionSide.SHORT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every formula of the Positions, Balance, Risk and Performance sections of accounting.md, worked by
 * hand (the numbers were computed independently of the ledger, with Python's decimal module) and
 * checked through the real {@link Ledger} and its read models on H2 and on PostgreSQL. Figures are
 * compared by value; figures that may be null are asserted null where the spec says so.
 *
 * <p>BTCUSDT is listed with maintenanceMarginRate 0.005 and maxLeverage 125, ETHUSDT with 0.01 and 50.
 */
class TradingWorkedExamplesIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    private static final String BTC = "BTCUSDT";
    private static final String ETH = "ETHUSDT";

    /** A ledger with BTCUSDT and ETHUSDT listed and {@code account} opened with {@code deposit} USDT. */
    private static Ledger market(StoreKind store, String account, String deposit) {
        Ledger ledger = ledgers.open(store);
        accepted(ledger, configure(BTC, "USDT", "0.005", 125));
        accepted(ledger, configure(ETH, "USDT", "0.01", 50));
        fund(ledger, account, deposit);
        return ledger;
    }

    private static void fund(Ledger ledger, String account, String deposit) {
        accepted(ledger, open(account));
        accepted(ledger, deposit(account, "USDT", deposit));
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    class OpenAndReduce {

        /**
         * The issue's example: LONG 2 BTC at 30000, 10x ISOLATED, fee 1.2, then SELL 0.5 at 31000.
         * liquidationPrice = (60000 - 6000) / (2 * 0.995) = 27135.678391959... -> 27135.67839196.
         */
        @OnEveryStore
        void booksTheIssuesExampleAndShowsEveryFigure(StoreKind store) {
            String a = "iss:FUTURES";
            Ledger ledger = market(store, a, "10000");

            accepted(ledger, buy(a, BTC, "2", "30000", "1.2", 10, ISOLATED));

            // No mark yet: valued at the entry price; maintenance margin round8(60000 * 0.005) = 300.
            assertBalance(ledger, a, "9998.8", "6000", "0", "0", "9998.8", "3998.8");
            RiskView risk = ledger.risk(a).orElseThrow();
            assertPosition(risk, BTC, LONG, "2", "30000", "60000", "30000", 10, ISOLATED, "6000", "0", "300",
                    "27135.67839196", false);
            assertCross(risk, "0", "3998.8", null, false);
            assertPerformance(ledger, a, "0", "1.2", "0", "-1.2", "0", "-1.2", "10000", "10000", "-0.00012",
                    0, 0, null, "1.2");

            // Mark 28000: unrealized round8(28000*2) - 60000 = -4000; maintenance round8(28000*2*0.005) = 280;
            // 6000 - 4000 = 2000 > 280: not liquidatable. The isolated loss does not reduce available.
            accepted(ledger, mark(BTC, "28000"));
            assertBalance(ledger, a, "9998.8", "6000", "0", "-4000", "5998.8", "3998.8");
            assertPosition(ledger.risk(a).orElseThrow(), BTC, LONG, "2", "30000", "60000", "28000", 10, ISOLATED,
                    "6000", "-4000", "280", "27135.67839196", false);

            // At the shown liquidation price: 6000 - 5728.64321608 = 271.35678392 <= round8(271.3567839196): liquidatable.
            accepted(ledger, mark(BTC, "27135.67839196"));
            assertPosition(ledger.risk(a).orElseThrow(), BTC, LONG, "2", "30000", "60000", "27135.67839196", 10,
                    ISOLATED, "6000", "-5728.64321608", "271.35678392", "27135.67839196", true);
            // One unit above it: 271.35678394 > 271.35678392: not liquidatable.
            accepted(ledger, mark(BTC, "27135.67839197"));
            assertPosition(ledger.risk(a).orElseThrow(), BTC, LONG, "2", "30000", "60000", "27135.67839197", 10,
                    ISOLATED, "6000", "-5728.64321606", "271.35678392", "27135.67839196", false);
            // Far below: liquidatable, and ISOLATED positions never make the account liquidatable.
            accepted(ledger, mark(BTC, "27135"));
            risk = ledger.risk(a).orElseThrow();
            assertPosition(risk, BTC, LONG, "2", "30000", "60000", "27135", 10, ISOLATED, "6000", "-5730",
                    "271.35", "27135.67839196", true);
            // crossMarginBalance = wallet - isolatedMargin + crossUnrealizedPnl: the isolated loss is not in it.
            assertCross(risk, "0", "3998.8", null, false);

            // SELL 0.5 at 31000 (a reduce: its leverage and margin mode are not compared with the position's):
            // releasedCost round8(60000*0.5/2) = 15000, realized round8(31000*0.5) - 15000 = 500,
            // releasedMargin round8(6000*0.5/2) = 1500.
            accepted(ledger, mark(BTC, "31000"));
            accepted(ledger, sell(a, BTC, "0.5", "31000", "0.62", 20, CROSS));

            PositionReduced reduced = last(ledger, PositionReduced.class);
            assertThat(reduced.releasedCost()).isEqualByComparingTo("15000");
            assertThat(reduced.realizedPnl()).isEqualByComparingTo("500");
            assertThat(reduced.releasedMargin()).isEqualByComparingTo("1500");
            assertThat(reduced.walletAfter()).isEqualByComparingTo("10498.8");
            assertThat(last(ledger, FeeCharged.class).walletAfter()).isEqualByComparingTo("10498.18");
            // 1.5 left: entryNotional 45000, margin 4500; at 31000 unrealized 46500 - 45000 = 1500,
            // maintenance round8(31000*1.5*0.005) = 232.5; the liquidation price is unchanged.
            assertPosition(ledger.risk(a).orElseThrow(), BTC, LONG, "1.5", "30000", "45000", "31000", 10, ISOLATED,
                    "4500", "1500", "232.5", "27135.67839196", false);
            assertBalance(ledger, a, "10498.18", "4500", "0", "1500", "11998.18", "5998.18");
            // totalPnl = 500 - 1.82 + 1500 = 1998.18; roi = 1998.18 / 10000.
            // The only fall of netPnl was the first fee: maxDrawdown stays 1.2.
            assertPerformance(ledger, a, "500", "1.82", "0", "498.18", "1500", "1998.18", "10000", "10000",
                    "0.199818", 0, 0, null, "1.2");
        }

        /**
         * A fill larger than the position closes it and opens the rest on the other side with the fill's
         * own leverage and margin mode. With SELL 3 the new SHORT 2 needs round8(62000/5) = 12400 of cross
         * margin and available would be 10997.5 - 12400 < 0: refused, nothing booked.
         */
        @OnEveryStore
        void flipsAPositionWithTheFillsLeverageAndMarginModeAndRefusesAFlipThatLeavesAvailableBelowZero(StoreKind store) {
            String a = "fil:FUTURES";
            Ledger ledger = market(store, a, "10000");
            accepted(ledger, buy(a, BTC, "1", "30000", "0", 10, ISOLATED));

            refusedWithoutBooking(ledger, sell(a, BTC, "3", "31000", "2.5", 5, CROSS), "INSUFFICIENT_MARGIN");
            assertBalance(ledger, a, "10000", "3000", "0", "0", "10000", "7000");

            // SELL 1.5: closes LONG 1 (realized 31000 - 30000 = 1000, releasedMargin 3000), opens SHORT 0.5
            // at 31000, CROSS 5x: entryNotional 15500, cross initial margin 3100.
            accepted(ledger, sell(a, BTC, "1.5", "31000", "2.5", 5, CROSS));
            PositionReduced closed = last(ledger, PositionReduced.class);
            assertThat(closed.quantity()).isEqualByComparingTo("1");
            assertThat(closed.closed()).isTrue();
            assertThat(closed.realizedPnl()).isEqualByComparingTo("1000");
            assertThat(closed.releasedMargin()).isEqualByComparingTo("3000");
            PositionOpened opened = last(ledger, PositionOpened.class);
            assertThat(opened.side()).isEqualTo(SHORT);
            assertThat(opened.quantity()).isEqualByComparingTo("0.5");
            assertThat(opened.entryNotional()).isEqualByComparingTo("15500");
            assertThat(opened.leverage()).isEqualTo(5);
            assertThat(opened.marginMode()).isEqualTo(CROSS);

            assertBalance(ledger, a, "10997.5", "0", "3100", "0", "10997.5", "7897.5");
            RiskView risk = ledger.risk(a).orElseThrow();
            // CROSS: positionMargin 0, no liquidation price; maintenance round8(15500*0.005) = 77.5;
            // crossMarginRatio = 77.5 / 10997.5 = 0.0070470561... -> 0.00704706.
            assertPosition(risk, BTC, SHORT, "0.5", "31000", "15500", "31000", 5, CROSS, "0", "0", "77.5", null, false);
            assertCross(risk, "77.5", "10997.5", "0.00704706", false);
            assertPerformance(ledger, a, "1000", "2.5", "0", "997.5", "0", "997.5", "10000", "10000", "0.09975",
                    1, 0, "1", "0");

            // And back: BUY 1 at 30000, 3x ISOLATED closes SHORT 0.5 (15500 - 15000 = 500) and opens LONG 0.5
            // with margin round8(30000*0.5/3) = 5000. A flip's new position may differ in leverage and mode.
            accepted(ledger, buy(a, BTC, "1", "30000", "0", 3, ISOLATED));
            assertPosition(ledger.risk(a).orElseThrow(), BTC, LONG, "0.5", "30000", "15000", "30000", 3, ISOLATED,
                    "5000", "0", "75", "20100.50251256", false);
            assertBalance(ledger, a, "11497.5", "5000", "0", "0", "11497.5", "6497.5");
            assertPerformance(ledger, a, "1500", "2.5", "0", "1497.5", "0", "1497.5", "10000", "10000", "0.14975",
                    2, 0, "1", "0");
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    class Liquidation {

        /**
         * ISOLATED: the loss is capped at the position's margin (here 3000 + 500 - 100 = 3400); the insurance
         * fund covers the rest (4000 - 3400 = 600). A liquidation at a profit is booked in full, with no cover.
         */
        @OnEveryStore
        void capsAnIsolatedLossAtThePositionsMarginAndBooksAProfitInFull(StoreKind store) {
            String a = "isa:FUTURES";
            Ledger ledger = market(store, a, "10000");
            accepted(ledger, buy(a, BTC, "1", "30000", "0", 10, ISOLATED));
            accepted(ledger, adjust(a, BTC, "500"));
            assertBalance(ledger, a, "10000", "3500", "0", "0", "10000", "6500");
            // (30000 - 3500) / 0.995 = 26633.165829145... -> 26633.16582915
            assertPosition(ledger.risk(a).orElseThrow(), BTC, LONG, "1", "30000", "30000", "30000", 10, ISOLATED,
                    "3500", "0", "150", "26633.16582915", false);
            refusedWithoutBooking(ledger, adjust(a, BTC, "-600"), "INSUFFICIENT_MARGIN"); // 2900 < round8(30000/10)
            accepted(ledger, adjust(a, BTC, "-100"));

            // Liquidate at 26000: uncapped 26000 - 30000 = -4000, booked -3400, covered 600.
            accepted(ledger, liquidate(a, BTC, "26000"));
            PositionLiquidated liquidated = last(ledger, PositionLiquidated.class);
            assertThat(liquidated.uncappedPnl()).isEqualByComparingTo("-4000");
            assertThat(liquidated.realizedPnl()).isEqualByComparingTo("-3400");
            assertThat(liquidated.insuranceCover()).isEqualByComparingTo("600");
            assertThat(liquidated.walletAfter()).isEqualByComparingTo("6600");
            List<InsuranceFundCovered> covers = all(ledger, InsuranceFundCovered.class);
            assertThat(covers).singleElement().satisfies(c -> {
                assertThat(c.account()).isEqualTo(a);
                assertThat(c.symbol()).isEqualTo(BTC);
                assertThat(c.commandId()).isEqualTo(liquidated.commandId());
                assertThat(c.amount()).isEqualByComparingTo("600");
            });
            assertBalance(ledger, a, "6600", "0", "0", "0", "6600", "6600");
            assertThat(ledger.risk(a).orElseThrow().positions()).isEmpty();

            // SHORT 10 ETH at 2000, 20x ISOLATED (margin 1000), liquidated at 1900: +1000 booked in full.
            accepted(ledger, sell(a, ETH, "10", "2000", "0", 20, ISOLATED));
            accepted(ledger, liquidate(a, ETH, "1900"));
            PositionLiquidated profit = last(ledger, PositionLiquidated.class);
            assertThat(profit.uncappedPnl()).isEqualByComparingTo("1000");
            assertThat(profit.realizedPnl()).isEqualByComparingTo("1000");
            assertThat(profit.insuranceCover()).isEqualByComparingTo("0");
            assertThat(all(ledger, InsuranceFundCovered.class)).hasSize(1);
            assertBalance(ledger, a, "7600", "0", "0", "0", "7600", "7600");
            // Booked realized -3400 + 1000; one lost and one won round trip; the fall to -3400 is the drawdown.
            assertPerformance(ledger, a, "-2400", "0", "0", "-2400", "0", "-2400", "10000", "10000", "-0.24",
                    1, 1, "0.5", "3400");
        }

        /**
         * CROSS: LONG 2 BTC at 30000, 10x, on a wallet of 10000. The account's risk both ways, then a
         * liquidation at 24000 whose loss (12000) is capped at max(wallet, 0) = 10000; 2000 is covered.
         */
        @OnEveryStore
        void capsACrossLossAtTheWalletAndShowsTheAccountsMarginRatioBothWays(StoreKind store) {
            String a = "cal:FUTURES";
            Ledger ledger = market(store, a, "10000");
            accepted(ledger, buy(a, BTC, "2", "30000", "0", 10, CROSS));
            // crossInitialMargin round8(60000/10) = 6000; no mark: maintenance round8(60000*0.005) = 300,
            // ratio 300 / 10000 = 0.03.
            assertBalance(ledger, a, "10000", "0", "6000", "0", "10000", "4000");
            RiskView risk = ledger.risk(a).orElseThrow();
            assertPosition(risk, BTC, LONG, "2", "30000", "60000", "30000", 10, CROSS, "0", "0", "300", null, false);
            assertCross(risk, "300", "10000", "0.03", false);

            // Mark 26000: unrealized -8000, balance 2000, maintenance 260, ratio 0.13: not liquidatable.
            // available = 10000 - 6000 + min(0, -8000) = -4000.
            accepted(ledger, mark(BTC, "26000"));
            assertBalance(ledger, a, "10000", "0", "6000", "-8000", "2000", "-4000");
            assertCross(ledger.risk(a).orElseThrow(), "260", "2000", "0.13", false);
            // Mark 25100: balance 200, maintenance 251 >= 200: liquidatable (the account and its CROSS position).
            accepted(ledger, mark(BTC, "25100"));
            risk = ledger.risk(a).orElseThrow();
            assertCross(risk, "251", "200", "1.255", true);
            assertPosition(risk, BTC, LONG, "2", "30000", "60000", "25100", 10, CROSS, "0", "-9800", "251", null, true);
            // Mark 25000: balance 0: no ratio, liquidatable.
            accepted(ledger, mark(BTC, "25000"));
            assertCross(ledger.risk(a).orElseThrow(), "250", "0", null, true);
            // Back up at 26000 it is not liquidatable again.
            accepted(ledger, mark(BTC, "26000"));
            assertCross(ledger.risk(a).orElseThrow(), "260", "2000", "0.13", false);

            accepted(ledger, liquidate(a, BTC, "24000"));
            PositionLiquidated liquidated = last(ledger, PositionLiquidated.class);
            assertThat(liquidated.marginMode()).isEqualTo(CROSS);
            assertThat(liquidated.uncappedPnl()).isEqualByComparingTo("-12000");
            assertThat(liquidated.realizedPnl()).isEqualByComparingTo("-10000");
            assertThat(liquidated.insuranceCover()).isEqualByComparingTo("2000");
            assertThat(all(ledger, InsuranceFundCovered.class)).singleElement()
                    .satisfies(c -> assertThat(c.amount()).isEqualByComparingTo("2000"));
            assertBalance(ledger, a, "0", "0", "0", "0", "0", "0");
            risk = ledger.risk(a).orElseThrow();
            assertThat(risk.positions()).isEmpty();
            assertCross(risk, "0", "0", null, false);
            assertPerformance(ledger, a, "-10000", "0", "0", "-10000", "0", "-10000", "10000", "10000", "-1",
                    0, 1, "0", "10000");
        }

        /**
         * A reduce has no margin check, so its loss may leave the wallet below zero (here 1000 - 1500 = -500).
         * A CROSS liquidation then books nothing more (max(-500, 0) = 0): the whole 2000 is covered.
         */
        @OnEveryStore
        void booksNoFurtherCrossLossOnAWalletAlreadyBelowZero(StoreKind store) {
            String a = "neg:FUTURES";
            Ledger ledger = market(store, a, "1000");
            accepted(ledger, buy(a, BTC, "1", "30000", "0", 100, CROSS));
            accepted(ledger, sell(a, BTC, "0.5", "27000", "0", 100, CROSS));
            assertBalance(ledger, a, "-500", "0", "150", "0", "-500", "-650");

            accepted(ledger, liquidate(a, BTC, "26000"));
            PositionLiquidated liquidated = last(ledger, PositionLiquidated.class);
            assertThat(liquidated.uncappedPnl()).isEqualByComparingTo("-2000");
            assertThat(liquidated.realizedPnl()).isEqualByComparingTo("0");
            assertThat(liquidated.insuranceCover()).isEqualByComparingTo("2000");
            assertThat(all(ledger, InsuranceFundCovered.class)).singleElement()
                    .satisfies(c -> assertThat(c.amount()).isEqualByComparingTo("2000"));
            assertBalance(ledger, a, "-500", "0", "0", "0", "-500", "-500");
            assertPerformance(ledger, a, "-1500", "0", "0", "-1500", "0", "-1500", "1000", "1000", "-1.5",
                    0, 1, "0", "1500");
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    class Funding {

        /** payment = round8(quantity * markPrice * rate): a LONG pays a positive rate, a SHORT receives it; a negative rate reverses that. */
        @OnEveryStore
        void paysAndReceivesFundingByTheSignOfTheRateAndTheSideOfThePosition(StoreKind store) {
            String longs = "fay:FUTURES";
            String shorts = "gus:FUTURES";
            Ledger ledger = market(store, longs, "10000");
            fund(ledger, shorts, "10000");
            accepted(ledger, buy(longs, BTC, "2", "30000", "0", 10, ISOLATED));
            accepted(ledger, sell(shorts, BTC, "2", "30000", "0", 10, ISOLATED));

            // round8(2 * 30500 * 0.0001) = 6.1
            accepted(ledger, funding(longs, BTC, "0.0001", "30500"));
            accepted(ledger, funding(shorts, BTC, "0.0001", "30500"));
            List<FundingSettled> settled = all(ledger, FundingSettled.class);
            assertFunding(settled.get(0), "6.1", "-6.1", "9993.9");
            assertFunding(settled.get(1), "6.1", "6.1", "10006.1");
            // round8(2 * 30000 * -0.00025) = -15
            accepted(ledger, funding(longs, BTC, "-0.00025", "30000"));
            assertFunding(last(ledger, FundingSettled.class), "-15", "15", "10008.9");
            accepted(ledger, funding(shorts, BTC, "-0.00025", "30000"));
            assertFunding(last(ledger, FundingSettled.class), "-15", "-15", "9991.1");
            // A zero rate is a settlement of nothing.
            accepted(ledger, funding(shorts, BTC, "0", "30000"));
            assertFunding(last(ledger, FundingSettled.class), "0", "0", "9991.1");

            assertBalance(ledger, longs, "10008.9", "6000", "0", "0", "10008.9", "4008.9");
            assertBalance(ledger, shorts, "9991.1", "6000", "0", "0", "9991.1", "3991.1");
            assertPerformance(ledger, longs, "0", "0", "8.9", "8.9", "0", "8.9", "10000", "10000", "0.00089",
                    0, 0, null, "6.1");
            assertPerformance(ledger, shorts, "0", "0", "-8.9", "-8.9", "0", "-8.9", "10000", "10000", "-0.00089",
                    0, 0, null, "15");
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    class Rounding {

        /**
         * HALF_EVEN at every booking and every shown figure, on a cheap symbol (rate 0.01, limit 10) where
         * the ninth digit is exactly 5. HALF_UP or HALF_DOWN would give other digits in each marked place.
         */
        @OnEveryStore
        void roundsEveryTieToEvenAtScale8(StoreKind store) {
            String a = "tie:FUTURES";
            Ledger ledger = market(store, a, "100");
            accepted(ledger, configure("TIEUSDT", "USDT", "0.01", 10));
            accepted(ledger, configure("PEPEUSDT", "USDT", "0.01", 10));

            // entryNotional 0.5 * 1.00000002 = 0.50000001; margin 0.250000005 -> 0.25000000 (HALF_UP: ...01).
            accepted(ledger, buy(a, "TIEUSDT", "0.5", "1.00000002", "0", 2, ISOLATED));
            PositionOpened opened = last(ledger, PositionOpened.class);
            assertThat(opened.entryNotional()).isEqualByComparingTo("0.50000001");
            assertThat(opened.positionMargin()).isEqualByComparingTo("0.25000000");

            // SELL 0.25 at 1.00000006: releasedCost 0.250000005 -> 0.25000000 (down to even), value
            // 0.250000015 -> 0.25000002 (up to even): realized 0.00000002 (HALF_UP and HALF_DOWN give 0.00000001).
            accepted(ledger, sell(a, "TIEUSDT", "0.25", "1.00000006", "0", 2, ISOLATED));
            PositionReduced reduced = last(ledger, PositionReduced.class);
            assertThat(reduced.releasedCost()).isEqualByComparingTo("0.25000000");
            assertThat(reduced.realizedPnl()).isEqualByComparingTo("0.00000002");
            assertThat(reduced.releasedMargin()).isEqualByComparingTo("0.125");

            // Mark 1.0000002: maintenance 0.25 * 1.0000002 * 0.01 = 0.0025000005 -> 0.00250000 (HALF_UP: ...01);
            // unrealized 0.25000005 - 0.25000001; liquidation price 0.12500001 / 0.2475 = 0.505050545... -> 0.50505055.
            accepted(ledger, mark("TIEUSDT", "1.0000002"));
            assertPosition(ledger.risk(a).orElseThrow(), "TIEUSDT", LONG, "0.25", "1.00000004", "0.25000001",
                    "1.0000002", 2, ISOLATED, "0.125", "0.00000004", "0.0025", "0.50505055", false);

            // entryPrice 2.00000001 / 2 = 1.000000005 -> 1.00000000 shown (HALF_UP: 1.00000001).
            accepted(ledger, buy(a, "PEPEUSDT", "1", "1", "0", 1, CROSS));
            accepted(ledger, buy(a, "PEPEUSDT", "1", "1.00000001", "0", 1, CROSS));
            RiskPosition pepe = position(ledger.risk(a).orElseThrow(), "PEPEUSDT");
            assertThat(pepe.entryNotional()).isEqualByComparingTo("2.00000001");
            assertThat(pepe.entryPrice()).isEqualByComparingTo("1.00000000");

            // Funding 2 * 12.25 * 0.00000001 = 0.000000245 -> 0.00000024 (down to even; HALF_UP: ...25), and
            // 2 * 13.75 * 0.00000001 = 0.000000275 -> 0.00000028 (up to even; HALF_DOWN: ...27).
            accepted(ledger, funding(a, "PEPEUSDT", "0.00000001", "12.25"));
            assertFunding(last(ledger, FundingSettled.class), "0.00000024", "-0.00000024", "99.99999978");
            accepted(ledger, funding(a, "PEPEUSDT", "0.00000001", "13.75"));
            assertFunding(last(ledger, FundingSettled.class), "0.00000028", "-0.00000028", "99.9999995");

            assertPerformance(ledger, a, "0.00000002", "0", "-0.00000052", "-0.0000005", "0.00000004",
                    "-0.00000046", "100", "100", "0", 0, 0, null, "0.00000052"); // roi -0.0000000046 -> 0E-8
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    class Performance {

        /**
         * Round trips, ROI and drawdown over one account's history (hand-computed step by step):
         * <pre>
         *  command                         realized   fees   netPnl    peak   drawdown  trip result
         *  deposit 10000, withdraw 2000, transfers to COPY 1000 and back 400: netInflow 7400, peak 10000
         *  BUY 1 @30000 fee 3                   0      3       -3        0       3
         *  SELL 1 @31000 fee 3.1             1000    6.1    993.9    993.9       3       +1000 win
         *  BUY 1 @31000 fee 3.1              1000    9.2    990.8    993.9     3.1
         *  SELL 1 @29000 fee 2.9            -1000   12.1  -1012.1    993.9    2006       -2000 loss
         *  BUY 1 @29000; SELL 0.5 @29500; SELL 0.5 @28900:  +250 - 50    -812.1            +200 win
         *  BUY 1 @29000; SELL 1 @29000 fee 1     -800   13.1   -813.1                          0 neither
         *  BUY 1 @29000; mark 29100 (unrealized 100); funding 0.0001 at 29100: -2.91
         * </pre>
         * The SELL at 31000 books +1000 and a fee of 3.1 in ONE command: one sample (993.9). Sampled per
         * event it would have peaked at 997 and the drawdown would be 2009.1, not 2006.
         */
        @OnEveryStore
        void countsRoundTripsAndSamplesTheDrawdownOncePerCommand(StoreKind store) {
            String a = "pia:FUTURES";
            String copy = "pia:COPY";
            String elite = "pia:ELITE";
            Ledger ledger = market(store, a, "10000");
            accepted(ledger, open(copy));
            accepted(ledger, open(elite));
            // An account with no inflow has no ROI and no win rate.
            assertPerformance(ledger, copy, "0", "0", "0", "0", "0", "0", "0", "0", null, 0, 0, null, "0");
            accepted(ledger, withdraw(a, "USDT", "2000"));
            accepted(ledger, transfer(a, copy, "USDT", "1000"));
            accepted(ledger, transfer(copy, a, "USDT", "400"));
            assertPerformance(ledger, copy, "0", "0", "0", "0", "0", "0", "600", "1000", "0", 0, 0, null, "0");
            assertPerformance(ledger, elite, "0", "0", "0", "0", "0", "0", "0", "0", null, 0, 0, null, "0");

            accepted(ledger, buy(a, BTC, "1", "30000", "3", 10, ISOLATED));
            accepted(ledger, sell(a, BTC, "1", "31000", "3.1", 10, ISOLATED));
            assertPerformance(ledger, a, "1000", "6.1", "0", "993.9", "0", "993.9", "7400", "10000", "0.09939",
                    1, 0, "1", "3");
            accepted(ledger, buy(a, BTC, "1", "31000", "3.1", 10, ISOLATED));
            assertThat(ledger.performance(a).orElseThrow().maxDrawdown()).isEqualByComparingTo("3.1");
            accepted(ledger, sell(a, BTC, "1", "29000", "2.9", 10, ISOLATED));
            assertPerformance(ledger, a, "-1000", "12.1", "0", "-1012.1", "0", "-1012.1", "7400", "10000",
                    "-0.10121", 1, 1, "0.5", "2006");

            accepted(ledger, buy(a, BTC, "1", "29000", "0", 10, ISOLATED));
            accepted(ledger, sell(a, BTC, "0.5", "29500", "0", 10, ISOLATED));
            accepted(ledger, sell(a, BTC, "0.5", "28900", "0", 10, ISOLATED));
            assertThat(last(ledger, PositionReduced.class).realizedPnl()).isEqualByComparingTo("-50");
            accepted(ledger, buy(a, BTC, "1", "29000", "0", 10, ISOLATED));
            accepted(ledger, sell(a, BTC, "1", "29000", "1", 10, ISOLATED));
            // A round trip whose result is exactly 0 is neither won nor lost (its fee does not count).
            assertPerformance(ledger, a, "-800", "13.1", "0", "-813.1", "0", "-813.1", "7400", "10000", "-0.08131",
                    2, 1, "0.66666667", "2006");

            accepted(ledger, buy(a, BTC, "1", "29000", "0", 10, ISOLATED));
            accepted(ledger, mark(BTC, "29100"));
            accepted(ledger, funding(a, BTC, "0.0001", "29100"));
            // totalPnl = -816.01 + 100 = -716.01; roi = -716.01 / 10000 (the peak, not the 7400 now).
            assertPerformance(ledger, a, "-800", "13.1", "-2.91", "-816.01", "100", "-716.01", "7400", "10000",
                    "-0.071601", 2, 1, "0.66666667", "2006");
            assertBalance(ledger, a, "6583.99", "2900", "0", "100", "6683.99", "3683.99");
        }
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * Every refusal code each trading command can produce, which one wins when several apply, and the
     * boundary on the accepted side of each balance check. A refused command stores no event.
     */
    @Nested
    class Refusals {

        @OnEveryStore
        void refusesFillsByTheDocumentedCodesInTheirOrderOfPrecedence(StoreKind store) {
            String a = "ref:FUTURES";
            Ledger ledger = market(store, a, "10000");

            // Checks of the command alone.
            refusedWithoutBooking(ledger, buy("ref", BTC, "1", "30000", "0", 10, ISOLATED), "INVALID_ACCOUNT");
            refusedWithoutBooking(ledger, buy(a, BTC, "0", "30000", "0", 10, ISOLATED), "INVALID_AMOUNT");
            refusedWithoutBooking(ledger, buy(a, BTC, "1000000000000.1", "30000", "0", 10, ISOLATED), "INVALID_AMOUNT");
            refusedWithoutBooking(ledger, buy(a, BTC, "1", "30000.000000001", "0", 10, ISOLATED), "INVALID_AMOUNT");
            refusedWithoutBooking(ledger, buy(a, BTC, "1", "30000", "-0.01", 10, ISOLATED), "INVALID_AMOUNT");
            refusedWithoutBooking(ledger, buy(a, BTC, "1", "30000", "0", 0, ISOLATED), "INVALID_AMOUNT");
            refusedWithoutBooking(ledger, buy(a, "DOGEUSDT", "1", "1", "0", 10, ISOLATED), "UNKNOWN_SYMBOL");
            refusedWithoutBooking(ledger, buy(a, BTC, "1", "30000", "0", 126, ISOLATED), "LEVERAGE_TOO_HIGH");
            // ... rank before every check against state.
            refusedWithoutBooking(ledger, buy("nobody:FUTURES", "DOGEUSDT", "1", "1", "0", 10, ISOLATED), "UNKNOWN_SYMBOL");
            refusedWithoutBooking(ledger, buy("nobody:FUTURES", BTC, "1", "30000", "0", 126, ISOLATED), "LEVERAGE_TOO_HIGH");
            refusedWithoutBooking(ledger, buy("nobody:FUTURES", BTC, "1", "30000", "0", 10, ISOLATED), "ACCOUNT_NOT_FOUND");

            accepted(ledger, buy(a, BTC, "1", "30000", "0", 10, ISOLATED));
            refusedWithoutBooking(ledger, buy(a, BTC, "0.1", "30000", "0", 20, ISOLATED), "LEVERAGE_MISMATCH");
            refusedWithoutBooking(ledger, buy(a, BTC, "0.1", "30000", "0", 10, CROSS), "MARGIN_MODE_MISMATCH");
            refusedWithoutBooking(ledger, buy(a, BTC, "0.1", "30000", "0", 20, CROSS), "LEVERAGE_MISMATCH");
            refusedWithoutBooking(ledger, buy(a, BTC, "0.1", "30000", "0", 126, CROSS), "LEVERAGE_TOO_HIGH");
            refusedWithoutBooking(ledger, buy(a, BTC, "10", "30000", "0", 10, CROSS), "MARGIN_MODE_MISMATCH");
            refusedWithoutBooking(ledger, buy(a, BTC, "10", "30000", "0", 10, ISOLATED), "INSUFFICIENT_MARGIN");

            // available 7000: margin round8(30000 * 2.33333333 / 10) = 6999.99999, so a fee of 0.00001 leaves
            // exactly 0 (accepted) and one unit more leaves -0.00000001 (refused).
            refusedWithoutBooking(ledger, buy(a, BTC, "2.33333333", "30000", "0.00001001", 10, ISOLATED), "INSUFFICIENT_MARGIN");
            accepted(ledger, buy(a, BTC, "2.33333333", "30000", "0.00001", 10, ISOLATED));
            assertBalance(ledger, a, "9999.99999", "9999.99999", "0", "0", "9999.99999", "0");
        }

        @OnEveryStore
        void refusesMarginFundingAndLiquidationCommandsByTheDocumentedCodes(StoreKind store) {
            String a = "adj:FUTURES";
            Ledger ledger = market(store, a, "10000");
            accepted(ledger, buy(a, BTC, "1", "30000", "0", 10, ISOLATED));
            accepted(ledger, buy(a, ETH, "1", "2000", "0", 10, CROSS));
            // wallet 10000 - isolated 3000 - cross initial 200 = 6800 available.

            refusedWithoutBooking(ledger, adjust(a, BTC, "0"), "INVALID_AMOUNT");
            refusedWithoutBooking(ledger, adjust(a, BTC, "0.000000001"), "INVALID_AMOUNT");
            refusedWithoutBooking(ledger, adjust(a, "DOGEUSDT", "1"), "UNKNOWN_SYMBOL");
            refusedWithoutBooking(ledger, adjust("nobody:FUTURES", BTC, "1"), "ACCOUNT_NOT_FOUND");
            refusedWithoutBooking(ledger, adjust("adj:COPY", BTC, "1"), "ACCOUNT_NOT_FOUND");
            refusedWithoutBooking(ledger, adjust(a, ETH, "1"), "MARGIN_MODE_MISMATCH");
            refusedWithoutBooking(ledger, adjust(a, BTC, "6800.00000001"), "INSUFFICIENT_FUNDS");
            accepted(ledger, adjust(a, BTC, "6800"));
            assertBalance(ledger, a, "10000", "9800", "200", "0", "10000", "0");
            refusedWithoutBooking(ledger, adjust(a, BTC, "-6800.00000001"), "INSUFFICIENT_MARGIN"); // floor 3000
            accepted(ledger, adjust(a, BTC, "-6800"));
            accepted(ledger, sell(a, ETH, "1", "2000", "0", 10, CROSS));
            refusedWithoutBooking(ledger, adjust(a, ETH, "1"), "NO_POSITION");

            refusedWithoutBooking(ledger, funding(a, BTC, "1", "30000"), "INVALID_AMOUNT");
            refusedWithoutBooking(ledger, funding(a, BTC, "-1", "30000"), "INVALID_AMOUNT");
            refusedWithoutBooking(ledger, funding(a, BTC, "0.000000001", "30000"), "INVALID_AMOUNT");
            refusedWithoutBooking(ledger, funding(a, BTC, "0.0001", "0"), "INVALID_AMOUNT");
            refusedWithoutBooking(ledger, funding(a, "DOGEUSDT", "0.0001", "1"), "UNKNOWN_SYMBOL");
            refusedWithoutBooking(ledger, funding("nobody:FUTURES", BTC, "0.0001", "30000"), "ACCOUNT_NOT_FOUND");
            refusedWithoutBooking(ledger, funding(a, ETH, "0.0001", "2000"), "NO_POSITION");
            accepted(ledger, funding(a, BTC, "0.99999999", "30000"));
            accepted(ledger, funding(a, BTC, "-0.99999999", "30000"));

            refusedWithoutBooking(ledger, liquidate(a, BTC, "0"), "INVALID_AMOUNT");
            refusedWithoutBooking(ledger, liquidate(a, "DOGEUSDT", "1"), "UNKNOWN_SYMBOL");
            refusedWithoutBooking(ledger, liquidate("nobody:FUTURES", BTC, "30000"), "ACCOUNT_NOT_FOUND");
            refusedWithoutBooking(ledger, liquidate(a, ETH, "2000"), "NO_POSITION");
            // Liquidate closes the position whether or not the risk view calls it liquidatable.
            assertThat(ledger.risk(a).orElseThrow().positions().get(0).liquidatable()).isFalse();
            accepted(ledger, liquidate(a, BTC, "30000"));
            refusedWithoutBooking(ledger, liquidate(a, BTC, "30000"), "NO_POSITION");
        }

        @OnEveryStore
        void refusesMarketCommandsOnlyForTheirFormAndAnUnlistedSymbol(StoreKind store) {
            String a = "mkt:FUTURES";
            Ledger ledger = market(store, a, "10000");
            refusedWithoutBooking(ledger, mark("DOGEUSDT", "1"), "UNKNOWN_SYMBOL");
            refusedWithoutBooking(ledger, mark(BTC, "0"), "INVALID_AMOUNT");
            refusedWithoutBooking(ledger, mark(BTC, "30000.000000001"), "INVALID_AMOUNT");
            refusedWithoutBooking(ledger, mark(BTC, "1000000000000.00000001"), "INVALID_AMOUNT");
            refusedWithoutBooking(ledger, configure(BTC, "USDT", "1", 125), "INVALID_AMOUNT");
            refusedWithoutBooking(ledger, configure(BTC, "USDT", "-0.001", 125), "INVALID_AMOUNT");
            refusedWithoutBooking(ledger, configure(BTC, "USDT", "0.000000001", 125), "INVALID_AMOUNT");
            refusedWithoutBooking(ledger, configure(BTC, "USDT", "0.005", 0), "INVALID_AMOUNT");

            // Configuring again is never refused, and applies to positions opened before.
            accepted(ledger, buy(a, BTC, "1", "30000", "0", 100, CROSS));
            accepted(ledger, configure(BTC, "USDT", "0.01", 50));
            assertPosition(ledger.risk(a).orElseThrow(), BTC, LONG, "1", "30000", "30000", "30000", 100, CROSS, "0",
                    "0", "300", null, false);
            // The new limit refuses every fill above it, a reduce included.
            refusedWithoutBooking(ledger, buy(a, BTC, "0.1", "30000", "0", 100, CROSS), "LEVERAGE_TOO_HIGH");
            refusedWithoutBooking(ledger, sell(a, BTC, "0.1", "30000", "0", 100, CROSS), "LEVERAGE_TOO_HIGH");
            accepted(ledger, sell(a, BTC, "0.1", "30000", "0", 50, CROSS));
            accepted(ledger, configure(BTC, "USDT", "0", 50));
            RiskView risk = ledger.risk(a).orElseThrow();
            assertPosition(risk, BTC, LONG, "0.9", "30000", "27000", "30000", 100, CROSS, "0", "0", "0", null, false);
            assertCross(risk, "0", "10000", "0", false);
        }

        /** Withdrawals and transfers need amount <= available, which the open positions reduce. */
        @OnEveryStore
        void refusesMoneyOutBeyondWhatThePositionsLeaveAvailable(StoreKind store) {
            String a = "wdr:FUTURES";
            Ledger ledger = market(store, a, "10000");
            accepted(ledger, open("wdr:COPY"));
            accepted(ledger, buy(a, BTC, "1", "30000", "0", 10, ISOLATED));
            accepted(ledger, buy(a, ETH, "10", "2000", "0", 20, CROSS));
            accepted(ledger, mark(ETH, "1900"));
            accepted(ledger, mark(BTC, "20000"));
            // 10000 - 3000 - round8(20000/20) + min(0, 19000 - 20000) = 5000; the isolated loss does not count.
            assertBalance(ledger, a, "10000", "3000", "1000", "-11000", "-1000", "5000");
            refusedWithoutBooking(ledger, withdraw(a, "USDT", "5000.00000001"), "INSUFFICIENT_FUNDS");
            refusedWithoutBooking(ledger, transfer(a, "wdr:COPY", "USDT", "5000.00000001"), "INSUFFICIENT_FUNDS");
            accepted(ledger, transfer(a, "wdr:COPY", "USDT", "2000"));
            accepted(ledger, withdraw(a, "USDT", "3000"));
            assertBalance(ledger, a, "5000", "3000", "1000", "-11000", "-6000", "0");
        }

        @OnEveryStore
        void refusesFillsOnRetiredLegacyAccountsAndOpeningLegacyFillsInLaterPhases(StoreKind store) {
            Ledger ledger = market(store, "old:LEGACY", "100000");
            fund(ledger, "gone:LEGACY", "1000");
            // No COPY or ELITE position: the migration completes at once and retires the legacy account.
            accepted(ledger, new StartMigration(nextId(), "gone"));
            refusedWithoutBooking(ledger, buy("gone:LEGACY", BTC, "1", "30000", "0", 10, ISOLATED), "ACCOUNT_RETIRED");
            refusedWithoutBooking(ledger, liquidate("gone:LEGACY", BTC, "30000"), "ACCOUNT_RETIRED");
            refusedWithoutBooking(ledger, funding("gone:LEGACY", BTC, "0.001", "30000"), "ACCOUNT_RETIRED");
            refusedWithoutBooking(ledger, adjust("gone:LEGACY", BTC, "1"), "ACCOUNT_RETIRED");
            accepted(ledger, buy("gone:FUTURES", BTC, "0.01", "30000", "0", 10, ISOLATED));

            String old = "old:LEGACY";
            accepted(ledger, buy(old, BTC, "1", "30000", "0", 10, ISOLATED));
            accepted(ledger, new RecordFill(nextId(), old, ETH, Side.BUY, dec("1"), dec("2000"), dec("0"), 10, CROSS,
                    Book.ELITE, null));
            accepted(ledger, new SetMigrationPhase(nextId(), MigrationPhase.NO_NEW_ELITE_ORDERS));
            refusedWithoutBooking(ledger, new RecordFill(nextId(), old, ETH, Side.BUY, dec("1"), dec("2000"), dec("0"),
                    10, CROSS, Book.ELITE, null), "MIGRATION_RESTRICTED");
            accepted(ledger, buy(old, BTC, "0.1", "30000", "0", 10, ISOLATED));
            accepted(ledger, new SetMigrationPhase(nextId(), MigrationPhase.NO_NEW_POSITIONS));
            refusedWithoutBooking(ledger, buy(old, BTC, "0.1", "30000", "0", 10, ISOLATED), "MIGRATION_RESTRICTED");
            refusedWithoutBooking(ledger, buy(old, ETH, "0.1", "2000", "0", 10, ISOLATED), "MIGRATION_RESTRICTED");
            // A flip counts as opening; a reduce passes.
            refusedWithoutBooking(ledger, sell(old, BTC, "2", "30000", "0", 10, ISOLATED), "MIGRATION_RESTRICTED");
            accepted(ledger, sell(old, BTC, "1.1", "30000", "0", 10, ISOLATED));
            assertThat(ledger.risk(old).orElseThrow().positions()).extracting(RiskPosition::symbol).containsExactly(ETH);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Assertions and helpers

    private static void accepted(Ledger ledger, LedgerCommand command) {
        assertThat(ledger.execute(command)).as("%s", command).isEqualTo(new Outcome.Accepted(command.id()));
    }

    /** The command is refused with {@code code} and not a single event is stored for it. */
    static void refusedWithoutBooking(Ledger ledger, LedgerCommand command, String code) {
        long before = RawEvents.count(ledger.store().dataSource());
        Outcome outcome = ledger.execute(command);
        assertThat(outcome).as("%s", command).isInstanceOfSatisfying(Outcome.Rejected.class,
                r -> assertThat(r.code().name()).as("%s: %s", command, r.message()).isEqualTo(code));
        assertThat(RawEvents.count(ledger.store().dataSource())).as("events after refused %s", command).isEqualTo(before);
    }

    private static <T> List<T> all(Ledger ledger, Class<T> type) {
        return RawEvents.ofType(ledger.store().dataSource(), type);
    }

    private static <T> T last(Ledger ledger, Class<T> type) {
        List<T> events = all(ledger, type);
        assertThat(events).as("stored %s events", type.getSimpleName()).isNotEmpty();
        return events.get(events.size() - 1);
    }

    private static void assertFunding(FundingSettled event, String payment, String walletChange, String walletAfter) {
        assertThat(event.payment()).as("payment of %s", event).isEqualByComparingTo(payment);
        assertThat(event.walletChange()).as("walletChange of %s", event).isEqualByComparingTo(walletChange);
        assertThat(event.walletAfter()).as("walletAfter of %s", event).isEqualByComparingTo(walletAfter);
    }

    /** The account's only balance entry is USDT with these figures (and nothing in transit). */
    static void assertBalance(Ledger ledger, String account, String wallet, String isolatedMargin,
                              String crossInitialMargin, String unrealizedPnl, String equity, String available) {
        BalanceView view = ledger.balance(account).orElseThrow();
        assertThat(view.balances()).as("balance entries of %s", account).extracting(AssetBalance::asset)
                .containsExactly("USDT");
        AssetBalance b = view.balances().get(0);
        String at = "balance of " + account + ": " + b;
        assertThat(b.wallet()).as("wallet, %s", at).isEqualByComparingTo(wallet);
        assertThat(b.inTransit()).as("inTransit, %s", at).isEqualByComparingTo("0");
        assertThat(b.isolatedMargin()).as("isolatedMargin, %s", at).isEqualByComparingTo(isolatedMargin);
        assertThat(b.crossInitialMargin()).as("crossInitialMargin, %s", at).isEqualByComparingTo(crossInitialMargin);
        assertThat(b.unrealizedPnl()).as("unrealizedPnl, %s", at).isEqualByComparingTo(unrealizedPnl);
        assertThat(b.equity()).as("equity, %s", at).isEqualByComparingTo(equity);
        assertThat(b.available()).as("available, %s", at).isEqualByComparingTo(available);
    }

    static RiskPosition position(RiskView risk, String symbol) {
        return risk.positions().stream().filter(p -> p.symbol().equals(symbol)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + symbol + " position in " + risk));
    }

    static void assertPosition(RiskView risk, String symbol, PositionSide side, String quantity, String entryPrice,
                               String entryNotional, String markPrice, int leverage, MarginMode mode,
                               String positionMargin, String unrealizedPnl, String maintenanceMargin,
                               String liquidationPrice, boolean liquidatable) {
        RiskPosition p = position(risk, symbol);
        String at = "position " + p;
        assertThat(p.side()).as(at).isEqualTo(side);
        assertThat(p.quantity()).as("quantity, %s", at).isEqualByComparingTo(quantity);
        assertThat(p.entryPrice()).as("entryPrice, %s", at).isEqualByComparingTo(entryPrice);
        assertThat(p.entryNotional()).as("entryNotional, %s", at).isEqualByComparingTo(entryNotional);
        assertThat(p.markPrice()).as("markPrice, %s", at).isEqualByComparingTo(markPrice);
        assertThat(p.leverage()).as("leverage, %s", at).isEqualTo(leverage);
        assertThat(p.marginMode()).as("marginMode, %s", at).isEqualTo(mode);
        assertThat(p.positionMargin()).as("positionMargin, %s", at).isEqualByComparingTo(positionMargin);
        assertThat(p.unrealizedPnl()).as("unrealizedPnl, %s", at).isEqualByComparingTo(unrealizedPnl);
        assertThat(p.maintenanceMargin()).as("maintenanceMargin, %s", at).isEqualByComparingTo(maintenanceMargin);
        if (liquidationPrice == null) {
            assertThat(p.liquidationPrice()).as("liquidationPrice, %s", at).isNull();
        } else {
            assertThat(p.liquidationPrice()).as("liquidationPrice, %s", at).isEqualByComparingTo(liquidationPrice);
        }
        assertThat(p.liquidatable()).as("liquidatable, %s", at).isEqualTo(liquidatable);
        assertThat(p.book()).as("book outside LEGACY, %s", at).isNull();
    }

    static void assertCross(RiskView risk, String crossMaintenanceMargin, String crossMarginBalance,
                            String crossMarginRatio, boolean liquidatable) {
        String at = "risk " + risk;
        assertThat(risk.crossMaintenanceMargin()).as("crossMaintenanceMargin, %s", at).isEqualByComparingTo(crossMaintenanceMargin);
        assertThat(risk.crossMarginBalance()).as("crossMarginBalance, %s", at).isEqualByComparingTo(crossMarginBalance);
        if (crossMarginRatio == null) {
            assertThat(risk.crossMarginRatio()).as("crossMarginRatio, %s", at).isNull();
        } else {
            assertThat(risk.crossMarginRatio()).as("crossMarginRatio, %s", at).isEqualByComparingTo(crossMarginRatio);
        }
        assertThat(risk.liquidatable()).as("liquidatable, %s", at).isEqualTo(liquidatable);
    }

    static void assertPerformance(Ledger ledger, String account, String realizedPnl, String fees, String funding,
                                  String netPnl, String unrealizedPnl, String totalPnl, String netInflow,
                                  String peakNetInflow, String roi, int wins, int losses, String winRate,
                                  String maxDrawdown) {
        PerformanceView p = ledger.performance(account).orElseThrow();
        String at = "performance " + p;
        assertThat(p.realizedPnl()).as("realizedPnl, %s", at).isEqualByComparingTo(realizedPnl);
        assertThat(p.fees()).as("fees, %s", at).isEqualByComparingTo(fees);
        assertThat(p.funding()).as("funding, %s", at).isEqualByComparingTo(funding);
        assertThat(p.netPnl()).as("netPnl, %s", at).isEqualByComparingTo(netPnl);
        assertThat(p.unrealizedPnl()).as("unrealizedPnl, %s", at).isEqualByComparingTo(unrealizedPnl);
        assertThat(p.totalPnl()).as("totalPnl, %s", at).isEqualByComparingTo(totalPnl);
        assertThat(p.netInflow()).as("netInflow, %s", at).isEqualByComparingTo(netInflow);
        assertThat(p.peakNetInflow()).as("peakNetInflow, %s", at).isEqualByComparingTo(peakNetInflow);
        nullOrEqual(p.roi(), roi, "roi, " + at);
        assertThat(p.wins()).as("wins, %s", at).isEqualTo(wins);
        assertThat(p.losses()).as("losses, %s", at).isEqualTo(losses);
        nullOrEqual(p.winRate(), winRate, "winRate, " + at);
        assertThat(p.maxDrawdown()).as("maxDrawdown, %s", at).isEqualByComparingTo(maxDrawdown);
    }

    private static void nullOrEqual(BigDecimal actual, String expected, String description) {
        if (expected == null) {
            assertThat(actual).as(description).isNull();
        } else {
            assertThat(actual).as(description).isNotNull().isEqualByComparingTo(expected);
        }
    }
}
