package dev.ledger.domain.account;

import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.event.FeeCharged;
import dev.ledger.domain.event.PositionIncreased;
import dev.ledger.domain.event.PositionOpened;
import dev.ledger.domain.event.PositionReduced;
import dev.ledger.domain.testing.Fixtures;
import dev.ledger.domain.testing.TestMarket;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.domain.value.Side;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static dev.ledger.domain.testing.ByValue.events;
import static dev.ledger.domain.testing.Given.BTC;
import static dev.ledger.domain.testing.Given.ETH;
import static dev.ledger.domain.testing.Given.USDT;
import static dev.ledger.domain.testing.Given.accountOpened;
import static dev.ledger.domain.testing.Given.d;
import static dev.ledger.domain.testing.Given.deposited;
import static dev.ledger.domain.testing.Given.positionOpened;
import static dev.ledger.domain.testing.Refusals.refusedWith;
import static dev.ledger.domain.value.MarginMode.CROSS;
import static dev.ledger.domain.value.MarginMode.ISOLATED;
import static dev.ledger.domain.value.PositionSide.LONG;
import static dev.ledger.domain.value.PositionSide.SHORT;
import static dev.ledger.domain.value.Side.BUY;
import static dev.ledger.domain.value.Side.SELL;

/**
 * {@code RecordFill} on a non-legacy account, with worked examples: every figure below was computed by
 * hand from the Positions rules of accounting.md (round8 = scale 8, HALF_EVEN, once, when booked).
 */
class RecordFillTest {

    private static final String ALICE = "alice:FUTURES";

    private final TestMarket market = TestMarket.standard();
    private final FixtureConfiguration<Account> fixture = Fixtures.account(ALICE, market);

    private static RecordFill fill(String id, Side side, String quantity, String price, String fee, int leverage,
                                   MarginMode mode) {
        return fill(id, BTC, side, quantity, price, fee, leverage, mode);
    }

    private static RecordFill fill(String id, String symbol, Side side, String quantity, String price, String fee,
                                   int leverage, MarginMode mode) {
        return new RecordFill(id, ALICE, symbol, side, d(quantity), d(price), d(fee), leverage, mode);
    }

    /** LONG 1 BTC at 30000, 10x ISOLATED: entryNotional 30000, positionMargin 3000. */
    private static PositionOpened longOneBtcIsolated() {
        return positionOpened(ALICE, "f0", BTC, LONG, "1", "30000", "30000", 10, ISOLATED, "3000");
    }

    @Nested
    class TheWorkedExampleOfTheIssue {

        @Test
        void opensLongTwoAtThirtyThousandTenTimesIsolatedAndChargesTheFeeOnce() {
            // 2 * 30000 = 60000; margin 60000 / 10 = 6000; wallet 10000 - 1.2 = 9998.8.
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"))
                    .when(fill("f1", BUY, "2", "30000", "1.2", 10, ISOLATED))
                    .expectSuccessfulHandlerExecution()
                    .expectEventsMatching(events(
                            new PositionOpened(ALICE, "f1", BTC, USDT, Book.PERSONAL, null, LONG, d("2"), d("30000"),
                                    d("60000"), 10, ISOLATED, d("6000")),
                            new FeeCharged(ALICE, "f1", BTC, USDT, d("1.2"), d("9998.8"))));
        }

        @Test
        void sellsHalfAtThirtyOneThousandReleasingAQuarterOfCostAndMargin() {
            // releasedCost = 60000 * 0.5 / 2 = 15000; realized = 31000 * 0.5 - 15000 = 500;
            // releasedMargin = 6000 * 0.5 / 2 = 1500; wallet 9998.8 + 500 = 10498.8, then fee 0.31.
            fixture.givenCommands(
                            new OpenAccount("c1", ALICE),
                            new Deposit("c2", ALICE, USDT, d("10000")),
                            fill("f1", BUY, "2", "30000", "1.2", 10, ISOLATED))
                    .when(fill("f2", SELL, "0.5", "31000", "0.31", 10, ISOLATED))
                    .expectSuccessfulHandlerExecution()
                    .expectEventsMatching(events(
                            new PositionReduced(ALICE, "f2", BTC, USDT, Book.PERSONAL, LONG, d("0.5"), d("31000"),
                                    d("15000"), d("1500"), d("500"), d("1.5"), d("45000"), d("4500"), d("10498.8")),
                            new FeeCharged(ALICE, "f2", BTC, USDT, d("0.31"), d("10498.49"))));
        }
    }

    @Nested
    class OpeningAPosition {

        @Test
        void opensCrossWithNoPositionMarginAndNoFeeEventForAZeroFee() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"))
                    .when(fill("f1", BUY, "2", "30000", "0", 5, CROSS))
                    .expectEventsMatching(events(
                            new PositionOpened(ALICE, "f1", BTC, USDT, Book.PERSONAL, null, LONG, d("2"), d("30000"),
                                    d("60000"), 5, CROSS, d("0"))));
        }

        @Test
        void opensShortOnASell() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"))
                    .when(fill("f1", SELL, "0.25", "30000", "0.5", 20, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionOpened(ALICE, "f1", BTC, USDT, Book.PERSONAL, null, SHORT, d("0.25"),
                                    d("30000"), d("7500"), 20, ISOLATED, d("375")),
                            new FeeCharged(ALICE, "f1", BTC, USDT, d("0.5"), d("99999.5"))));
        }

        @Test
        void opensInEachSymbolItsOwnPosition() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"), longOneBtcIsolated())
                    .when(fill("f1", ETH, SELL, "3", "2000", "0", 10, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionOpened(ALICE, "f1", ETH, USDT, Book.PERSONAL, null, SHORT, d("3"), d("2000"),
                                    d("6000"), 10, ISOLATED, d("600"))));
        }

        @Test
        void roundsANotionalWhoseNinthDigitIsAFiveToTheEvenNeighbourDown() {
            // 0.5 * 30000.00000001 = 15000.000000005 -> 15000.00000000; margin 1500.0000000005 -> 1500.00000000
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"))
                    .when(fill("f1", BUY, "0.5", "30000.00000001", "0", 10, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionOpened(ALICE, "f1", BTC, USDT, Book.PERSONAL, null, LONG, d("0.5"),
                                    d("30000.00000001"), d("15000.00000000"), 10, ISOLATED, d("1500.00000000"))));
        }

        @Test
        void roundsANotionalWhoseNinthDigitIsAFiveToTheEvenNeighbourUp() {
            // 0.5 * 30000.00000003 = 15000.000000015 -> 15000.00000002
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"))
                    .when(fill("f1", BUY, "0.5", "30000.00000003", "0", 10, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionOpened(ALICE, "f1", BTC, USDT, Book.PERSONAL, null, LONG, d("0.5"),
                                    d("30000.00000003"), d("15000.00000002"), 10, ISOLATED, d("1500.00000000"))));
        }

        @Test
        void roundsTinyNotionalTiesHalfEven() {
            // 0.5 * 0.00000001 = 0.000000005 -> 0.00000000 (0 is even); margin at 1x the same.
            fixture.given(accountOpened(ALICE), deposited(ALICE, "1", "1"))
                    .when(fill("f1", BUY, "0.5", "0.00000001", "0", 1, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionOpened(ALICE, "f1", BTC, USDT, Book.PERSONAL, null, LONG, d("0.5"),
                                    d("0.00000001"), d("0"), 1, ISOLATED, d("0"))));
        }

        @Test
        void roundsIsolatedMarginTiesAtTenTimesHalfEvenDown() {
            // 0.5 * 3000.0000001 = 1500.00000005 (exact at scale 8); / 10 = 150.000000005 -> 150.00000000
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"))
                    .when(fill("f1", BUY, "0.5", "3000.0000001", "0", 10, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionOpened(ALICE, "f1", BTC, USDT, Book.PERSONAL, null, LONG, d("0.5"),
                                    d("3000.0000001"), d("1500.00000005"), 10, ISOLATED, d("150.00000000"))));
        }

        @Test
        void roundsIsolatedMarginTiesAtTenTimesHalfEvenUp() {
            // 0.5 * 3000.0000003 = 1500.00000015; / 10 = 150.000000015 -> 150.00000002
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"))
                    .when(fill("f1", BUY, "0.5", "3000.0000003", "0", 10, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionOpened(ALICE, "f1", BTC, USDT, Book.PERSONAL, null, LONG, d("0.5"),
                                    d("3000.0000003"), d("1500.00000015"), 10, ISOLATED, d("150.00000002"))));
        }
    }

    @Nested
    class IncreasingAPosition {

        @Test
        void addsTheRoundedNotionalAndMarginOfTheFill() {
            // 0.3 * 30000.12345678 = 9000.037037034 -> 9000.03703703; margin 900.0037037034 -> 900.00370370
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"), longOneBtcIsolated())
                    .when(fill("f2", BUY, "0.3", "30000.12345678", "0.9", 10, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionIncreased(ALICE, "f2", BTC, USDT, Book.PERSONAL, LONG, d("0.3"),
                                    d("30000.12345678"), d("9000.03703703"), d("900.00370370"), d("1.3"),
                                    d("39000.03703703"), d("3900.00370370")),
                            new FeeCharged(ALICE, "f2", BTC, USDT, d("0.9"), d("99999.1"))));
        }

        @Test
        void accumulatesTheRoundedNotionalOfEachFillNotTheRoundedTotal() {
            // Each fill: 0.5 * 0.00000003 = 0.000000015 -> 0.00000002. Two fills: 0.00000004, while
            // round8(1 * 0.00000003) would be 0.00000003.
            fixture.givenCommands(
                            new OpenAccount("c1", ALICE),
                            new Deposit("c2", ALICE, USDT, d("1")),
                            fill("f1", BUY, "0.5", "0.00000003", "0", 1, ISOLATED))
                    .when(fill("f2", BUY, "0.5", "0.00000003", "0", 1, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionIncreased(ALICE, "f2", BTC, USDT, Book.PERSONAL, LONG, d("0.5"),
                                    d("0.00000003"), d("0.00000002"), d("0.00000002"), d("1"), d("0.00000004"),
                                    d("0.00000004"))));
        }

        @Test
        void increasesACrossPositionWithoutMargin() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"),
                            positionOpened(ALICE, "f0", BTC, SHORT, "1", "30000", "30000", 5, CROSS, "0"))
                    .when(fill("f2", SELL, "1", "32000", "0", 5, CROSS))
                    .expectEventsMatching(events(
                            new PositionIncreased(ALICE, "f2", BTC, USDT, Book.PERSONAL, SHORT, d("1"), d("32000"),
                                    d("32000"), d("0"), d("2"), d("62000"), d("0"))));
        }
    }

    @Nested
    class ReducingAPosition {

        @Test
        void booksAShortsProfitWhenThePriceFell() {
            // SHORT 2 at 30000 (60000); BUY 0.5 at 29000: releasedCost 15000, realized 15000 - 14500 = +500
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"),
                            positionOpened(ALICE, "f0", BTC, SHORT, "2", "30000", "60000", 5, CROSS, "0"))
                    .when(fill("f1", BUY, "0.5", "29000", "0", 5, CROSS))
                    .expectEventsMatching(events(
                            new PositionReduced(ALICE, "f1", BTC, USDT, Book.PERSONAL, SHORT, d("0.5"), d("29000"),
                                    d("15000"), d("0"), d("500"), d("1.5"), d("45000"), d("0"), d("100500"))));
        }

        @Test
        void booksAShortsLossWhenThePriceRose() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"),
                            positionOpened(ALICE, "f0", BTC, SHORT, "2", "30000", "60000", 5, CROSS, "0"))
                    .when(fill("f1", BUY, "0.5", "31000", "0", 5, CROSS))
                    .expectEventsMatching(events(
                            new PositionReduced(ALICE, "f1", BTC, USDT, Book.PERSONAL, SHORT, d("0.5"), d("31000"),
                                    d("15000"), d("0"), d("-500"), d("1.5"), d("45000"), d("0"), d("99500"))));
        }

        @Test
        void booksALongsLossWhenThePriceFell() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"), longOneBtcIsolated())
                    .when(fill("f1", SELL, "0.25", "28000", "0", 10, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionReduced(ALICE, "f1", BTC, USDT, Book.PERSONAL, LONG, d("0.25"), d("28000"),
                                    d("7500"), d("750"), d("-500"), d("0.75"), d("22500"), d("2250"), d("99500"))));
        }

        @Test
        void releasesARoundedShareWhenTheDivisionDoesNotTerminate() {
            // Cost 100 over 3 (40 + 60), margin 10 (4 + 6). Reduce 1 at 35: releasedCost round8(100/3) =
            // 33.33333333, realized 35 - 33.33333333 = 1.66666667, releasedMargin round8(10/3) = 3.33333333.
            fixture.given(accountOpened(ALICE), deposited(ALICE, "1000", "1000"),
                            positionOpened(ALICE, "f1", BTC, LONG, "1", "40", "40", 10, ISOLATED, "4"),
                            new PositionIncreased(ALICE, "f2", BTC, USDT, Book.PERSONAL, LONG, d("2"), d("30"),
                                    d("60"), d("6"), d("3"), d("100"), d("10")))
                    .when(fill("f3", SELL, "1", "35", "0", 10, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionReduced(ALICE, "f3", BTC, USDT, Book.PERSONAL, LONG, d("1"), d("35"),
                                    d("33.33333333"), d("3.33333333"), d("1.66666667"), d("2"), d("66.66666667"),
                                    d("6.66666667"), d("1001.66666667"))));
        }

        @Test
        void closesByReleasingAllThatIsLeft() {
            // After the reduce above: cost 66.66666667, margin 6.66666667 over 2; closing releases all of it.
            fixture.given(accountOpened(ALICE), deposited(ALICE, "1000", "1000"),
                            positionOpened(ALICE, "f1", BTC, LONG, "1", "40", "40", 10, ISOLATED, "4"),
                            new PositionIncreased(ALICE, "f2", BTC, USDT, Book.PERSONAL, LONG, d("2"), d("30"),
                                    d("60"), d("6"), d("3"), d("100"), d("10")))
                    .andGivenCommands(fill("f3", SELL, "1", "35", "0", 10, ISOLATED))
                    .when(fill("f4", SELL, "2", "35", "0", 10, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionReduced(ALICE, "f4", BTC, USDT, Book.PERSONAL, LONG, d("2"), d("35"),
                                    d("66.66666667"), d("6.66666667"), d("3.33333333"), d("0"), d("0"), d("0"),
                                    d("1005.00000000"))));
        }

        @Test
        void roundsAReleasedShareThatIsATieToTheEvenNeighbour() {
            // Cost 66.66666667 and margin 6.66666667 over 2; reduce 1: 33.333333335 -> 33.33333334 and
            // 3.333333335 -> 3.33333334 (HALF_EVEN; HALF_DOWN would give ...33). Realized 35 - 33.33333334.
            fixture.givenCommands(
                            new OpenAccount("c1", ALICE),
                            new Deposit("c2", ALICE, USDT, d("1000")),
                            fill("f1", BUY, "1", "40", "0", 10, ISOLATED),
                            fill("f2", BUY, "2", "30", "0", 10, ISOLATED),
                            fill("f3", SELL, "1", "35", "0", 10, ISOLATED))
                    .when(fill("f4", SELL, "1", "35", "0", 10, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionReduced(ALICE, "f4", BTC, USDT, Book.PERSONAL, LONG, d("1"), d("35"),
                                    d("33.33333334"), d("3.33333334"), d("1.66666666"), d("1"), d("33.33333333"),
                                    d("3.33333333"), d("1003.33333333"))));
        }

        @Test
        void releasesInThreeStepsExactlyTheCostThatWasBooked() {
            // 33.33333333 + 33.33333334 + 33.33333333 = 100: nothing is lost or made up by rounding.
            fixture.givenCommands(
                            new OpenAccount("c1", ALICE),
                            new Deposit("c2", ALICE, USDT, d("1000")),
                            fill("f1", BUY, "1", "40", "0", 10, ISOLATED),
                            fill("f2", BUY, "2", "30", "0", 10, ISOLATED),
                            fill("f3", SELL, "1", "35", "0", 10, ISOLATED),
                            fill("f4", SELL, "1", "35", "0", 10, ISOLATED))
                    .when(fill("f5", SELL, "1", "35", "0", 10, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionReduced(ALICE, "f5", BTC, USDT, Book.PERSONAL, LONG, d("1"), d("35"),
                                    d("33.33333333"), d("3.33333333"), d("1.66666667"), d("0"), d("0"), d("0"),
                                    d("1005.00000000"))));
        }

        @Test
        void roundsTheValueOfTheReducedQuantityHalfEven() {
            // 0.5 * 30000.00000001 = 15000.000000005 -> 15000.00000000: realized 0, not 0.00000001.
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"), longOneBtcIsolated())
                    .when(fill("f1", SELL, "0.5", "30000.00000001", "0", 10, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionReduced(ALICE, "f1", BTC, USDT, Book.PERSONAL, LONG, d("0.5"),
                                    d("30000.00000001"), d("15000"), d("1500"), d("0"), d("0.5"), d("15000"),
                                    d("1500"), d("100000"))));
        }

        @Test
        void releasesMarginInProportionToTheMarginNowIncludingAdjustments() {
            fixture.givenCommands(
                            new OpenAccount("c1", ALICE),
                            new Deposit("c2", ALICE, USDT, d("100000")),
                            fill("f1", BUY, "1", "30000", "0", 10, ISOLATED),
                            new dev.ledger.domain.command.AdjustIsolatedMargin("a1", ALICE, BTC, d("1000")))
                    .when(fill("f2", SELL, "0.5", "30000", "0", 10, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionReduced(ALICE, "f2", BTC, USDT, Book.PERSONAL, LONG, d("0.5"), d("30000"),
                                    d("15000"), d("2000"), d("0"), d("0.5"), d("15000"), d("2000"), d("100000"))));
        }

        @Test
        void acceptsAReduceWithOtherLeverageAndMarginModeThanThePosition() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"), longOneBtcIsolated())
                    .when(fill("f1", SELL, "0.5", "31000", "0", 50, CROSS))
                    .expectEventsMatching(events(
                            new PositionReduced(ALICE, "f1", BTC, USDT, Book.PERSONAL, LONG, d("0.5"), d("31000"),
                                    d("15000"), d("1500"), d("500"), d("0.5"), d("15000"), d("1500"), d("100500"))));
        }

        @Test
        void acceptsAReduceOnlyFillWhoseLossAndFeeLeaveAvailableBelowZero() {
            // Wallet 3100, margin 3000. SELL 0.5 at 27000: realized 13500 - 15000 = -1500, wallet 1600;
            // fee 150 -> 1450; margin left 1500, so available = 1450 - 1500 = -50. No check on a reduce.
            fixture.given(accountOpened(ALICE), deposited(ALICE, "3100", "3100"), longOneBtcIsolated())
                    .when(fill("f1", SELL, "0.5", "27000", "150", 10, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionReduced(ALICE, "f1", BTC, USDT, Book.PERSONAL, LONG, d("0.5"), d("27000"),
                                    d("15000"), d("1500"), d("-1500"), d("0.5"), d("15000"), d("1500"), d("1600")),
                            new FeeCharged(ALICE, "f1", BTC, USDT, d("150"), d("1450"))));
        }
    }

    @Nested
    class FlippingAPosition {

        @Test
        void closesTheOldSideAndOpensTheRestWithTheFillsLeverageAndModeChargingTheFeeOnce() {
            // LONG 1 at 30000 (10x ISOLATED, margin 3000); SELL 3 at 31000, 20x CROSS, fee 3:
            // close 1: realized 31000 - 30000 = 1000 -> wallet 11000; open SHORT 2: 62000, CROSS, margin 0;
            // fee 3 -> 10997.
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), longOneBtcIsolated())
                    .when(fill("f1", SELL, "3", "31000", "3", 20, CROSS))
                    .expectEventsMatching(events(
                            new PositionReduced(ALICE, "f1", BTC, USDT, Book.PERSONAL, LONG, d("1"), d("31000"),
                                    d("30000"), d("3000"), d("1000"), d("0"), d("0"), d("0"), d("11000")),
                            new PositionOpened(ALICE, "f1", BTC, USDT, Book.PERSONAL, null, SHORT, d("2"),
                                    d("31000"), d("62000"), 20, CROSS, d("0")),
                            new FeeCharged(ALICE, "f1", BTC, USDT, d("3"), d("10997"))));
        }

        @Test
        void checksAvailableAfterTheWholeFillSoTheClosingProfitAndReleasedMarginCount() {
            // Wallet 3000 all in margin (available 0). SELL 2 at 31000, 10x ISOLATED: close +1000 -> wallet
            // 4000, margin 3000 released; SHORT 1 at 31000 takes 3100: available 4000 - 3100 = 900.
            fixture.given(accountOpened(ALICE), deposited(ALICE, "3000", "3000"), longOneBtcIsolated())
                    .when(fill("f1", SELL, "2", "31000", "0", 10, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionReduced(ALICE, "f1", BTC, USDT, Book.PERSONAL, LONG, d("1"), d("31000"),
                                    d("30000"), d("3000"), d("1000"), d("0"), d("0"), d("0"), d("4000")),
                            new PositionOpened(ALICE, "f1", BTC, USDT, Book.PERSONAL, null, SHORT, d("1"),
                                    d("31000"), d("31000"), 10, ISOLATED, d("3100"))));
        }

        @Test
        void refusesAFlipWhoseClosingLossLeavesTooLittleForTheNewMargin() {
            // SELL 2 at 29000: close -1000 -> wallet 2000; SHORT 1 takes 2900: available -900.
            fixture.given(accountOpened(ALICE), deposited(ALICE, "3000", "3000"), longOneBtcIsolated())
                    .when(fill("f1", SELL, "2", "29000", "0", 10, ISOLATED))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_MARGIN))
                    .expectNoEvents();
        }

        @Test
        void acceptsAFlipWhoseFeeLeavesExactlyZeroAvailable() {
            // As above at 31000 with fee 900: wallet 4000 - 900 = 3100 = the new margin.
            fixture.given(accountOpened(ALICE), deposited(ALICE, "3000", "3000"), longOneBtcIsolated())
                    .when(fill("f1", SELL, "2", "31000", "900", 10, ISOLATED))
                    .expectSuccessfulHandlerExecution()
                    .expectEventsMatching(events(
                            new PositionReduced(ALICE, "f1", BTC, USDT, Book.PERSONAL, LONG, d("1"), d("31000"),
                                    d("30000"), d("3000"), d("1000"), d("0"), d("0"), d("0"), d("4000")),
                            new PositionOpened(ALICE, "f1", BTC, USDT, Book.PERSONAL, null, SHORT, d("1"),
                                    d("31000"), d("31000"), 10, ISOLATED, d("3100")),
                            new FeeCharged(ALICE, "f1", BTC, USDT, d("900"), d("3100"))));
        }

        @Test
        void refusesAFlipWhoseFeeLeavesAvailableJustBelowZero() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "3000", "3000"), longOneBtcIsolated())
                    .when(fill("f1", SELL, "2", "31000", "900.00000001", 10, ISOLATED))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_MARGIN))
                    .expectNoEvents();
        }

        @Test
        void doesNotCompareAFlipsLeverageOrModeWithTheClosedPosition() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"),
                            positionOpened(ALICE, "f0", BTC, SHORT, "1", "30000", "30000", 5, CROSS, "0"))
                    .when(fill("f1", BUY, "1.5", "30000", "0", 25, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionReduced(ALICE, "f1", BTC, USDT, Book.PERSONAL, SHORT, d("1"), d("30000"),
                                    d("30000"), d("0"), d("0"), d("0"), d("0"), d("0"), d("100000")),
                            new PositionOpened(ALICE, "f1", BTC, USDT, Book.PERSONAL, null, LONG, d("0.5"),
                                    d("30000"), d("15000"), 25, ISOLATED, d("600"))));
        }

        @Test
        void increasesTheNewSideAfterAFlipWithTheFlipsLeverage() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"), longOneBtcIsolated())
                    .andGivenCommands(fill("f1", SELL, "3", "31000", "0", 20, CROSS))
                    .when(fill("f2", SELL, "1", "30000", "0", 20, CROSS))
                    .expectEventsMatching(events(
                            new PositionIncreased(ALICE, "f2", BTC, USDT, Book.PERSONAL, SHORT, d("1"), d("30000"),
                                    d("30000"), d("0"), d("3"), d("92000"), d("0"))));
        }
    }

    @Nested
    class TheMarginCheckOfOpeningFills {

        @Test
        void acceptsAnOpeningFillThatLeavesExactlyZeroAvailable() {
            // margin 6000 + fee 1.2 = 6001.2; the wallet keeps the margin (6000), available is 0.
            fixture.given(accountOpened(ALICE), deposited(ALICE, "6001.2", "6001.2"))
                    .when(fill("f1", BUY, "2", "30000", "1.2", 10, ISOLATED))
                    .expectSuccessfulHandlerExecution()
                    .expectEventsMatching(events(
                            new PositionOpened(ALICE, "f1", BTC, USDT, Book.PERSONAL, null, LONG, d("2"), d("30000"),
                                    d("60000"), 10, ISOLATED, d("6000")),
                            new FeeCharged(ALICE, "f1", BTC, USDT, d("1.2"), d("6000"))));
        }

        @Test
        void refusesAnOpeningFillThatWouldLeaveAvailableBelowZeroAndBooksNothing() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "6001.19999999", "6001.19999999"))
                    .when(fill("f1", BUY, "2", "30000", "1.2", 10, ISOLATED))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_MARGIN))
                    .expectNoEvents();
        }

        @Test
        void countsTheInitialMarginOfACrossPosition() {
            // round8(60000 / 5) = 12000
            fixture.given(accountOpened(ALICE), deposited(ALICE, "11999.99999999", "11999.99999999"))
                    .when(fill("f1", BUY, "2", "30000", "0", 5, CROSS))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_MARGIN))
                    .expectNoEvents();
        }

        @Test
        void refusesAnIncreaseBeyondAvailable() {
            // wallet 3100, margin 3000; adding 0.1 at 30000 needs 300 more.
            fixture.given(accountOpened(ALICE), deposited(ALICE, "3100", "3100"), longOneBtcIsolated())
                    .when(fill("f1", BUY, "0.1", "30000", "0", 10, ISOLATED))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_MARGIN))
                    .expectNoEvents();
        }

        @Test
        void countsTheUnrealizedLossOfOtherCrossPositionsAtTheirMark() {
            // BTC CROSS LONG 1 at 30000 (10x: 3000), mark 25000: -5000. Wallet 10000 -> available 2000.
            // ETH 10 at 2000.00000001, 10x ISOLATED: margin round8(20000.0000001 / 10) = 2000.00000001.
            market.mark(BTC, "25000");
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"),
                            positionOpened(ALICE, "f0", BTC, LONG, "1", "30000", "30000", 10, CROSS, "0"))
                    .when(fill("f1", ETH, BUY, "10", "2000.00000001", "0", 10, ISOLATED))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_MARGIN))
                    .expectNoEvents();
        }

        @Test
        void acceptsUpToExactlyWhatTheCrossLossLeavesAvailable() {
            market.mark(BTC, "25000");
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"),
                            positionOpened(ALICE, "f0", BTC, LONG, "1", "30000", "30000", 10, CROSS, "0"))
                    .when(fill("f1", ETH, BUY, "10", "2000", "0", 10, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionOpened(ALICE, "f1", ETH, USDT, Book.PERSONAL, null, LONG, d("10"), d("2000"),
                                    d("20000"), 10, ISOLATED, d("2000"))));
        }

        @Test
        void valuesTheNewCrossPositionItselfAtTheMarkPrice() {
            // Bought at 30000 with the mark at 29000: crossInitialMargin 3000 and unrealized -1000.
            // Wallet 3500 -> available 3500 - 3000 - 1000 = -500 (it would be +500 at the entry price).
            market.mark(BTC, "29000");
            fixture.given(accountOpened(ALICE), deposited(ALICE, "3500", "3500"))
                    .when(fill("f1", BUY, "1", "30000", "0", 10, CROSS))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_MARGIN))
                    .expectNoEvents();
        }

        @Test
        void valuesANewCrossPositionAtItsEntryPriceWhenTheSymbolHasNoMarkYet() {
            market.mark(ETH, "1");
            fixture.given(accountOpened(ALICE), deposited(ALICE, "3000", "3000"))
                    .when(fill("f1", BUY, "1", "30000", "0", 10, CROSS))
                    .expectSuccessfulHandlerExecution()
                    .expectEventsMatching(events(
                            new PositionOpened(ALICE, "f1", BTC, USDT, Book.PERSONAL, null, LONG, d("1"), d("30000"),
                                    d("30000"), 10, CROSS, d("0"))));
        }
    }

    @Nested
    class LeverageAndMarginModeChecks {

        @Test
        void acceptsLeverageEqualToTheSymbolsMaximum() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"))
                    .when(fill("f1", BUY, "1", "30000", "0", 125, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionOpened(ALICE, "f1", BTC, USDT, Book.PERSONAL, null, LONG, d("1"), d("30000"),
                                    d("30000"), 125, ISOLATED, d("240"))));
        }

        @Test
        void refusesLeverageAboveTheSymbolsMaximumOnAnOpeningFill() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"))
                    .when(fill("f1", BUY, "1", "30000", "0", 126, ISOLATED))
                    .expectException(refusedWith(RejectionCode.LEVERAGE_TOO_HIGH))
                    .expectNoEvents();
        }

        @Test
        void refusesLeverageAboveTheSymbolsMaximumOnAReducingFillToo() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"), longOneBtcIsolated())
                    .when(fill("f1", SELL, "0.5", "30000", "0", 126, ISOLATED))
                    .expectException(refusedWith(RejectionCode.LEVERAGE_TOO_HIGH))
                    .expectNoEvents();
        }

        @Test
        void checksLeverageAgainstTheMaximumOfTheFillsSymbol() {
            // ETHUSDT allows 50x in the test market.
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"))
                    .when(fill("f1", ETH, BUY, "1", "2000", "0", 51, ISOLATED))
                    .expectException(refusedWith(RejectionCode.LEVERAGE_TOO_HIGH))
                    .expectNoEvents();
        }

        @Test
        void usesTheMaximumAsConfiguredNow() {
            market.list(BTC, USDT, "0.005", 5);
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"), longOneBtcIsolated())
                    .when(fill("f1", SELL, "0.5", "30000", "0", 10, ISOLATED))
                    .expectException(refusedWith(RejectionCode.LEVERAGE_TOO_HIGH))
                    .expectNoEvents();
        }

        @Test
        void refusesAnIncreaseWithOtherLeverage() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"), longOneBtcIsolated())
                    .when(fill("f1", BUY, "0.5", "30000", "0", 20, ISOLATED))
                    .expectException(refusedWith(RejectionCode.LEVERAGE_MISMATCH))
                    .expectNoEvents();
        }

        @Test
        void refusesAnIncreaseWithOtherMarginMode() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"), longOneBtcIsolated())
                    .when(fill("f1", BUY, "0.5", "30000", "0", 10, CROSS))
                    .expectException(refusedWith(RejectionCode.MARGIN_MODE_MISMATCH))
                    .expectNoEvents();
        }

        @Test
        void reportsOtherLeverageBeforeOtherMarginMode() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"), longOneBtcIsolated())
                    .when(fill("f1", BUY, "0.5", "30000", "0", 20, CROSS))
                    .expectException(refusedWith(RejectionCode.LEVERAGE_MISMATCH))
                    .expectNoEvents();
        }

        @Test
        void reportsAMarginModeMismatchBeforeInsufficientMargin() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "3000", "3000"), longOneBtcIsolated())
                    .when(fill("f1", BUY, "5", "30000", "0", 10, CROSS))
                    .expectException(refusedWith(RejectionCode.MARGIN_MODE_MISMATCH))
                    .expectNoEvents();
        }
    }

    @Nested
    class RefusalsAndTheirPrecedence {

        @Test
        void refusesAnUnlistedSymbol() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "100000", "100000"))
                    .when(fill("f1", "SOLUSDT", BUY, "1", "100", "0", 10, ISOLATED))
                    .expectException(refusedWith(RejectionCode.UNKNOWN_SYMBOL))
                    .expectNoEvents();
        }

        @Test
        void refusesAFillOnAnAccountThatIsNotOpen() {
            fixture.givenNoPriorActivity()
                    .when(fill("f1", BUY, "1", "30000", "0", 10, ISOLATED))
                    .expectException(refusedWith(RejectionCode.ACCOUNT_NOT_FOUND))
                    .expectNoEvents();
        }

        @Test
        void reportsAnInvalidAccountBeforeAnInvalidAmount() {
            fixture.givenNoPriorActivity()
                    .when(new RecordFill("f1", "alice:SPOT", BTC, BUY, d("0"), d("30000"), d("0"), 10, ISOLATED))
                    .expectException(refusedWith(RejectionCode.INVALID_ACCOUNT))
                    .expectNoEvents();
        }

        @Test
        void reportsAnInvalidAmountBeforeAnUnknownSymbol() {
            fixture.given(accountOpened(ALICE))
                    .when(fill("f1", "SOLUSDT", BUY, "1.000000001", "100", "0", 10, ISOLATED))
                    .expectException(refusedWith(RejectionCode.INVALID_AMOUNT))
                    .expectNoEvents();
        }

        @Test
        void reportsAnUnknownSymbolBeforeAMissingAccount() {
            fixture.givenNoPriorActivity()
                    .when(fill("f1", "SOLUSDT", BUY, "1", "100", "0", 10, ISOLATED))
                    .expectException(refusedWith(RejectionCode.UNKNOWN_SYMBOL))
                    .expectNoEvents();
        }

        @Test
        void reportsLeverageTooHighBeforeAMissingAccount() {
            fixture.givenNoPriorActivity()
                    .when(fill("f1", BUY, "1", "30000", "0", 126, ISOLATED))
                    .expectException(refusedWith(RejectionCode.LEVERAGE_TOO_HIGH))
                    .expectNoEvents();
        }

        @Test
        void reportsLeverageTooHighBeforeInsufficientMargin() {
            fixture.given(accountOpened(ALICE))
                    .when(fill("f1", BUY, "1", "30000", "0", 126, ISOLATED))
                    .expectException(refusedWith(RejectionCode.LEVERAGE_TOO_HIGH))
                    .expectNoEvents();
        }
    }
}
