package dev.ledger.domain.account;

import dev.ledger.domain.command.AdjustIsolatedMargin;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.Liquidate;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SettleFunding;
import dev.ledger.domain.event.FundingSettled;
import dev.ledger.domain.event.InsuranceFundCovered;
import dev.ledger.domain.event.IsolatedMarginAdjusted;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.event.PositionOpened;
import dev.ledger.domain.testing.Fixtures;
import dev.ledger.domain.testing.TestMarket;
import dev.ledger.domain.value.RejectionCode;
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
import static dev.ledger.domain.value.Book.PERSONAL;
import static dev.ledger.domain.value.MarginMode.CROSS;
import static dev.ledger.domain.value.MarginMode.ISOLATED;
import static dev.ledger.domain.value.PositionSide.LONG;
import static dev.ledger.domain.value.PositionSide.SHORT;
import static dev.ledger.domain.value.Side.BUY;

/** AdjustIsolatedMargin, SettleFunding and Liquidate on a FUTURES account, with worked examples. */
class PositionCommandsTest {

    private static final String ALICE = "alice:FUTURES";

    private final TestMarket market = TestMarket.standard();
    private final FixtureConfiguration<Account> fixture = Fixtures.account(ALICE, market);

    /** LONG 1 BTC at 30000, 10x ISOLATED: entryNotional 30000, positionMargin 3000. */
    private static PositionOpened longOneIsolated() {
        return positionOpened(ALICE, "f0", BTC, LONG, "1", "30000", "30000", 10, ISOLATED, "3000");
    }

    private static PositionOpened shortOneIsolated() {
        return positionOpened(ALICE, "f0", BTC, SHORT, "1", "30000", "30000", 10, ISOLATED, "3000");
    }

    private static PositionOpened longOneCross(int leverage) {
        return positionOpened(ALICE, "f0", BTC, LONG, "1", "30000", "30000", leverage, CROSS, "0");
    }

    @Nested
    class AdjustIsolatedMarginCommand {

        @Test
        void movesUpToAllOfAvailableIntoTheMargin() {
            // wallet 10000 - margin 3000 = available 7000
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), longOneIsolated())
                    .when(new AdjustIsolatedMargin("a1", ALICE, BTC, d("7000")))
                    .expectEventsMatching(events(
                            new IsolatedMarginAdjusted(ALICE, "a1", BTC, USDT, PERSONAL, d("7000"), d("10000"))));
        }

        @Test
        void refusesToMoveMoreThanAvailable() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), longOneIsolated())
                    .when(new AdjustIsolatedMargin("a1", ALICE, BTC, d("7000.00000001")))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_FUNDS))
                    .expectNoEvents();
        }

        @Test
        void countsACrossLossInAvailableForAnIncrease() {
            // ETH CROSS LONG 1 at 2000 (10x: 200), mark 1500: -500. available = 10000 - 3000 - 200 - 500 = 6300.
            market.mark(ETH, "1500");
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), longOneIsolated(),
                            positionOpened(ALICE, "f1", ETH, LONG, "1", "2000", "2000", 10, CROSS, "0"))
                    .when(new AdjustIsolatedMargin("a1", ALICE, BTC, d("6300.00000001")))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_FUNDS))
                    .expectNoEvents();
        }

        @Test
        void takesMarginBackDownToExactlyTheInitialMargin() {
            // floor = round8(30000 / 10) = 3000; margin 3500 may give back 500.
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), longOneIsolated())
                    .andGivenCommands(new AdjustIsolatedMargin("a1", ALICE, BTC, d("500")))
                    .when(new AdjustIsolatedMargin("a2", ALICE, BTC, d("-500")))
                    .expectEventsMatching(events(
                            new IsolatedMarginAdjusted(ALICE, "a2", BTC, USDT, PERSONAL, d("-500"), d("3000"))));
        }

        @Test
        void refusesToTakeMarginBelowTheInitialMargin() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), longOneIsolated())
                    .andGivenCommands(new AdjustIsolatedMargin("a1", ALICE, BTC, d("500")))
                    .when(new AdjustIsolatedMargin("a2", ALICE, BTC, d("-500.00000001")))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_MARGIN))
                    .expectNoEvents();
        }

        @Test
        void roundsTheFloorHalfEvenWhenTheDivisionDoesNotTerminate() {
            // BUY 1 at 100, 3x ISOLATED: margin round8(100/3) = 33.33333333 = the floor. +1 then -1 is fine,
            // -1.00000001 would leave 33.33333332.
            fixture.givenCommands(
                            new OpenAccount("c1", ALICE),
                            new Deposit("c2", ALICE, USDT, d("1000")),
                            new RecordFill("f1", ALICE, BTC, BUY, d("1"), d("100"), d("0"), 3, ISOLATED),
                            new AdjustIsolatedMargin("a1", ALICE, BTC, d("1")))
                    .when(new AdjustIsolatedMargin("a2", ALICE, BTC, d("-1.00000001")))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_MARGIN))
                    .expectNoEvents();
            fixture.givenCommands(
                            new OpenAccount("c1", ALICE),
                            new Deposit("c2", ALICE, USDT, d("1000")),
                            new RecordFill("f1", ALICE, BTC, BUY, d("1"), d("100"), d("0"), 3, ISOLATED),
                            new AdjustIsolatedMargin("a1", ALICE, BTC, d("1")))
                    .when(new AdjustIsolatedMargin("a2", ALICE, BTC, d("-1")))
                    .expectEventsMatching(events(
                            new IsolatedMarginAdjusted(ALICE, "a2", BTC, USDT, PERSONAL, d("-1"), d("33.33333333"))));
        }

        @Test
        void refusesWithoutAPosition() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"))
                    .when(new AdjustIsolatedMargin("a1", ALICE, BTC, d("1")))
                    .expectException(refusedWith(RejectionCode.NO_POSITION))
                    .expectNoEvents();
        }

        @Test
        void refusesForACrossPosition() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), longOneCross(10))
                    .when(new AdjustIsolatedMargin("a1", ALICE, BTC, d("1")))
                    .expectException(refusedWith(RejectionCode.MARGIN_MODE_MISMATCH))
                    .expectNoEvents();
        }

        @Test
        void reportsTheMarginModeMismatchBeforeInsufficientFunds() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), longOneCross(10))
                    .when(new AdjustIsolatedMargin("a1", ALICE, BTC, d("1000000")))
                    .expectException(refusedWith(RejectionCode.MARGIN_MODE_MISMATCH))
                    .expectNoEvents();
        }

        @Test
        void refusesAZeroAmount() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), longOneIsolated())
                    .when(new AdjustIsolatedMargin("a1", ALICE, BTC, d("0")))
                    .expectException(refusedWith(RejectionCode.INVALID_AMOUNT))
                    .expectNoEvents();
        }

        @Test
        void refusesAnUnlistedSymbolBeforeLookingForThePosition() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"))
                    .when(new AdjustIsolatedMargin("a1", ALICE, "SOLUSDT", d("1")))
                    .expectException(refusedWith(RejectionCode.UNKNOWN_SYMBOL))
                    .expectNoEvents();
        }
    }

    @Nested
    class SettleFundingCommand {

        @Test
        void makesALongPayAPositiveRate() {
            // round8(2 * 30500 * 0.0001) = 6.1
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"),
                            positionOpened(ALICE, "f0", BTC, LONG, "2", "30000", "60000", 10, ISOLATED, "6000"))
                    .when(new SettleFunding("s1", ALICE, BTC, d("0.0001"), d("30500")))
                    .expectEventsMatching(events(
                            new FundingSettled(ALICE, "s1", BTC, USDT, PERSONAL, LONG, d("2"), d("30500"), d("0.0001"),
                                    d("6.1"), d("-6.1"), d("9993.9"))));
        }

        @Test
        void makesAShortReceiveAPositiveRate() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"),
                            positionOpened(ALICE, "f0", BTC, SHORT, "2", "30000", "60000", 10, CROSS, "0"))
                    .when(new SettleFunding("s1", ALICE, BTC, d("0.0001"), d("30500")))
                    .expectEventsMatching(events(
                            new FundingSettled(ALICE, "s1", BTC, USDT, PERSONAL, SHORT, d("2"), d("30500"), d("0.0001"),
                                    d("6.1"), d("6.1"), d("10006.1"))));
        }

        @Test
        void makesALongReceiveANegativeRate() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"),
                            positionOpened(ALICE, "f0", BTC, LONG, "2", "30000", "60000", 10, ISOLATED, "6000"))
                    .when(new SettleFunding("s1", ALICE, BTC, d("-0.0001"), d("30500")))
                    .expectEventsMatching(events(
                            new FundingSettled(ALICE, "s1", BTC, USDT, PERSONAL, LONG, d("2"), d("30500"),
                                    d("-0.0001"), d("-6.1"), d("6.1"), d("10006.1"))));
        }

        @Test
        void makesAShortPayANegativeRate() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"),
                            positionOpened(ALICE, "f0", BTC, SHORT, "2", "30000", "60000", 10, CROSS, "0"))
                    .when(new SettleFunding("s1", ALICE, BTC, d("-0.0001"), d("30500")))
                    .expectEventsMatching(events(
                            new FundingSettled(ALICE, "s1", BTC, USDT, PERSONAL, SHORT, d("2"), d("30500"),
                                    d("-0.0001"), d("-6.1"), d("-6.1"), d("9993.9"))));
        }

        @Test
        void acceptsAZeroRateWithAZeroPayment() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), longOneIsolated())
                    .when(new SettleFunding("s1", ALICE, BTC, d("0"), d("30500")))
                    .expectEventsMatching(events(
                            new FundingSettled(ALICE, "s1", BTC, USDT, PERSONAL, LONG, d("1"), d("30500"), d("0"),
                                    d("0"), d("0"), d("10000"))));
        }

        @Test
        void roundsAPaymentWhoseNinthDigitIsAFiveUpToTheEvenNeighbour() {
            // 0.123 * 30123.45 * 0.0001 = 0.370518435 -> 0.37051844
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"),
                            positionOpened(ALICE, "f0", BTC, LONG, "0.123", "30000", "3690", 10, ISOLATED, "369"))
                    .when(new SettleFunding("s1", ALICE, BTC, d("0.0001"), d("30123.45")))
                    .expectEventsMatching(events(
                            new FundingSettled(ALICE, "s1", BTC, USDT, PERSONAL, LONG, d("0.123"), d("30123.45"),
                                    d("0.0001"), d("0.37051844"), d("-0.37051844"), d("9999.62948156"))));
        }

        @Test
        void roundsAPaymentWhoseNinthDigitIsAFiveDownToTheEvenNeighbour() {
            // 0.125 * 30123.45 * 0.0001 = 0.376543125 -> 0.37654312
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"),
                            positionOpened(ALICE, "f0", BTC, SHORT, "0.125", "30000", "3750", 10, ISOLATED, "375"))
                    .when(new SettleFunding("s1", ALICE, BTC, d("0.0001"), d("30123.45")))
                    .expectEventsMatching(events(
                            new FundingSettled(ALICE, "s1", BTC, USDT, PERSONAL, SHORT, d("0.125"), d("30123.45"),
                                    d("0.0001"), d("0.37654312"), d("0.37654312"), d("10000.37654312"))));
        }

        @Test
        void usesTheCommandsMarkPriceNotTheMarketsAndLeavesTheMarketAlone() {
            market.mark(BTC, "99999");
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), longOneIsolated())
                    .when(new SettleFunding("s1", ALICE, BTC, d("0.001"), d("30000")))
                    .expectEventsMatching(events(
                            new FundingSettled(ALICE, "s1", BTC, USDT, PERSONAL, LONG, d("1"), d("30000"), d("0.001"),
                                    d("30"), d("-30"), d("9970"))));
        }

        @Test
        void chargesFundingEvenWhenItLeavesTheWalletNegative() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "3000", "3000"), longOneIsolated())
                    .when(new SettleFunding("s1", ALICE, BTC, d("0.5"), d("30000")))
                    .expectEventsMatching(events(
                            new FundingSettled(ALICE, "s1", BTC, USDT, PERSONAL, LONG, d("1"), d("30000"), d("0.5"),
                                    d("15000"), d("-15000"), d("-12000"))));
        }

        @Test
        void refusesWithoutAPosition() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), longOneIsolated())
                    .when(new SettleFunding("s1", ALICE, ETH, d("0.0001"), d("2000")))
                    .expectException(refusedWith(RejectionCode.NO_POSITION))
                    .expectNoEvents();
        }

        @Test
        void refusesARateOfOne() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), longOneIsolated())
                    .when(new SettleFunding("s1", ALICE, BTC, d("1"), d("30000")))
                    .expectException(refusedWith(RejectionCode.INVALID_AMOUNT))
                    .expectNoEvents();
        }
    }

    @Nested
    class LiquidateCommand {

        @Test
        void capsAnIsolatedLossAtThePositionMarginAndRecordsTheRestAsInsuranceCover() {
            // LONG 1 at 30000 closed at 26000: -4000; margin 3000 -> booked -3000, cover 1000 (= -3000 - -4000).
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), longOneIsolated())
                    .when(new Liquidate("l1", ALICE, BTC, d("26000")))
                    .expectEventsMatching(events(
                            new PositionLiquidated(ALICE, "l1", BTC, USDT, PERSONAL, LONG, ISOLATED, d("1"),
                                    d("26000"), d("30000"), d("3000"), d("-4000"), d("-3000"), d("1000"), d("7000")),
                            new InsuranceFundCovered(ALICE, "l1", BTC, USDT, PERSONAL, d("1000"))));
        }

        @Test
        void capsAShortsIsolatedLossTheSameWay() {
            // SHORT 1 at 30000 closed at 34000.5: 30000 - 34000.5 = -4000.5; booked -3000, cover 1000.5.
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), shortOneIsolated())
                    .when(new Liquidate("l1", ALICE, BTC, d("34000.5")))
                    .expectEventsMatching(events(
                            new PositionLiquidated(ALICE, "l1", BTC, USDT, PERSONAL, SHORT, ISOLATED, d("1"),
                                    d("34000.5"), d("30000"), d("3000"), d("-4000.5"), d("-3000"), d("1000.5"),
                                    d("7000")),
                            new InsuranceFundCovered(ALICE, "l1", BTC, USDT, PERSONAL, d("1000.5"))));
        }

        @Test
        void capsAtTheMarginAsAdjusted() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), longOneIsolated())
                    .andGivenCommands(new AdjustIsolatedMargin("a1", ALICE, BTC, d("500")))
                    .when(new Liquidate("l1", ALICE, BTC, d("26000")))
                    .expectEventsMatching(events(
                            new PositionLiquidated(ALICE, "l1", BTC, USDT, PERSONAL, LONG, ISOLATED, d("1"),
                                    d("26000"), d("30000"), d("3500"), d("-4000"), d("-3500"), d("500"), d("6500")),
                            new InsuranceFundCovered(ALICE, "l1", BTC, USDT, PERSONAL, d("500"))));
        }

        @Test
        void booksAnIsolatedLossWithinTheMarginInFullWithoutCover() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), longOneIsolated())
                    .when(new Liquidate("l1", ALICE, BTC, d("27000")))
                    .expectEventsMatching(events(
                            new PositionLiquidated(ALICE, "l1", BTC, USDT, PERSONAL, LONG, ISOLATED, d("1"),
                                    d("27000"), d("30000"), d("3000"), d("-3000"), d("-3000"), d("0"), d("7000"))));
        }

        @Test
        void capsACrossLossAtTheWalletJustBefore() {
            // Wallet 2000, LONG 1 at 30000 (20x CROSS) closed at 27000: -3000 -> booked -2000, cover 1000.
            fixture.given(accountOpened(ALICE), deposited(ALICE, "2000", "2000"), longOneCross(20))
                    .when(new Liquidate("l1", ALICE, BTC, d("27000")))
                    .expectEventsMatching(events(
                            new PositionLiquidated(ALICE, "l1", BTC, USDT, PERSONAL, LONG, CROSS, d("1"), d("27000"),
                                    d("30000"), d("0"), d("-3000"), d("-2000"), d("1000"), d("0")),
                            new InsuranceFundCovered(ALICE, "l1", BTC, USDT, PERSONAL, d("1000"))));
        }

        @Test
        void booksNothingOfACrossLossWhenTheWalletIsZero() {
            // Wallet 1800, funding 1 * 30000 * 0.06 = 1800 paid -> wallet 0; closed at 29000: -1000 all covered.
            fixture.givenCommands(
                            new OpenAccount("c1", ALICE),
                            new Deposit("c2", ALICE, USDT, d("1800")),
                            new RecordFill("f1", ALICE, BTC, BUY, d("1"), d("30000"), d("0"), 20, CROSS),
                            new SettleFunding("s1", ALICE, BTC, d("0.06"), d("30000")))
                    .when(new Liquidate("l1", ALICE, BTC, d("29000")))
                    .expectEventsMatching(events(
                            new PositionLiquidated(ALICE, "l1", BTC, USDT, PERSONAL, LONG, CROSS, d("1"), d("29000"),
                                    d("30000"), d("0"), d("-1000"), d("0"), d("1000"), d("0")),
                            new InsuranceFundCovered(ALICE, "l1", BTC, USDT, PERSONAL, d("1000"))));
        }

        @Test
        void booksNothingOfACrossLossWhenTheWalletIsNegative() {
            // Wallet 2000, funding 2100 paid -> wallet -100; the cap is max(-100, 0) = 0.
            fixture.givenCommands(
                            new OpenAccount("c1", ALICE),
                            new Deposit("c2", ALICE, USDT, d("2000")),
                            new RecordFill("f1", ALICE, BTC, BUY, d("1"), d("30000"), d("0"), 20, CROSS),
                            new SettleFunding("s1", ALICE, BTC, d("0.07"), d("30000")))
                    .when(new Liquidate("l1", ALICE, BTC, d("29000")))
                    .expectEventsMatching(events(
                            new PositionLiquidated(ALICE, "l1", BTC, USDT, PERSONAL, LONG, CROSS, d("1"), d("29000"),
                                    d("30000"), d("0"), d("-1000"), d("0"), d("1000"), d("-100")),
                            new InsuranceFundCovered(ALICE, "l1", BTC, USDT, PERSONAL, d("1000"))));
        }

        @Test
        void booksAProfitInFullWithNoCoverEventAndNoFee() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), longOneCross(10))
                    .when(new Liquidate("l1", ALICE, BTC, d("31000")))
                    .expectEventsMatching(events(
                            new PositionLiquidated(ALICE, "l1", BTC, USDT, PERSONAL, LONG, CROSS, d("1"), d("31000"),
                                    d("30000"), d("0"), d("1000"), d("1000"), d("0"), d("11000"))));
        }

        @Test
        void liquidatesAHealthyPositionWhateverTheRiskView() {
            market.mark(BTC, "30000");
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), shortOneIsolated())
                    .when(new Liquidate("l1", ALICE, BTC, d("30000")))
                    .expectEventsMatching(events(
                            new PositionLiquidated(ALICE, "l1", BTC, USDT, PERSONAL, SHORT, ISOLATED, d("1"),
                                    d("30000"), d("30000"), d("3000"), d("0"), d("0"), d("0"), d("10000"))));
        }

        @Test
        void roundsTheCloseValueHalfEven() {
            // 0.5 * 29999.99999999 = 14999.999999995 -> 15000.00000000: result 0, not -0.00000001.
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"),
                            positionOpened(ALICE, "f0", BTC, LONG, "0.5", "30000", "15000", 10, ISOLATED, "1500"))
                    .when(new Liquidate("l1", ALICE, BTC, d("29999.99999999")))
                    .expectEventsMatching(events(
                            new PositionLiquidated(ALICE, "l1", BTC, USDT, PERSONAL, LONG, ISOLATED, d("0.5"),
                                    d("29999.99999999"), d("15000"), d("1500"), d("0"), d("0"), d("0"), d("10000"))));
        }

        @Test
        void removesThePositionSoALaterFundingFindsNone() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"), longOneIsolated())
                    .andGivenCommands(new Liquidate("l1", ALICE, BTC, d("26000")))
                    .when(new SettleFunding("s1", ALICE, BTC, d("0.0001"), d("26000")))
                    .expectException(refusedWith(RejectionCode.NO_POSITION))
                    .expectNoEvents();
        }

        @Test
        void refusesWithoutAPosition() {
            fixture.given(accountOpened(ALICE), deposited(ALICE, "10000", "10000"))
                    .when(new Liquidate("l1", ALICE, BTC, d("30000")))
                    .expectException(refusedWith(RejectionCode.NO_POSITION))
                    .expectNoEvents();
        }

        @Test
        void refusesOnAnAccountThatIsNotOpen() {
            fixture.givenNoPriorActivity()
                    .when(new Liquidate("l1", ALICE, BTC, d("30000")))
                    .expectException(refusedWith(RejectionCode.ACCOUNT_NOT_FOUND))
                    .expectNoEvents();
        }
    }
}
