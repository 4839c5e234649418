package dev.ledger.domain.account;

import dev.ledger.domain.command.AdjustIsolatedMargin;
import dev.ledger.domain.command.Liquidate;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SettleFunding;
import dev.ledger.domain.event.FundingSettled;
import dev.ledger.domain.event.IsolatedMarginAdjusted;
import dev.ledger.domain.event.PositionIncreased;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.event.PositionOpened;
import dev.ledger.domain.event.PositionReduced;
import dev.ledger.domain.testing.Fixtures;
import dev.ledger.domain.testing.TestMarket;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.MigrationPhase;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.domain.value.Side;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.reflect.Field;
import java.util.Map;

import static dev.ledger.domain.testing.ByValue.events;
import static dev.ledger.domain.testing.Given.BTC;
import static dev.ledger.domain.testing.Given.USDT;
import static dev.ledger.domain.testing.Given.accountOpened;
import static dev.ledger.domain.testing.Given.d;
import static dev.ledger.domain.testing.Given.deposited;
import static dev.ledger.domain.testing.Given.positionOpened;
import static dev.ledger.domain.testing.Refusals.refusedWith;
import static dev.ledger.domain.value.Book.COPY;
import static dev.ledger.domain.value.Book.ELITE;
import static dev.ledger.domain.value.Book.PERSONAL;
import static dev.ledger.domain.value.MarginMode.CROSS;
import static dev.ledger.domain.value.MarginMode.ISOLATED;
import static dev.ledger.domain.value.PositionSide.LONG;
import static dev.ledger.domain.value.PositionSide.SHORT;
import static dev.ledger.domain.value.Side.BUY;
import static dev.ledger.domain.value.Side.SELL;
import static org.assertj.core.api.Assertions.assertThat;

/** The books of a LEGACY account (positions per symbol and book, leaders) and the migration phases. */
class LegacyBooksTest {

    private static final String LEGACY = "alice:LEGACY";

    private final TestMarket market = TestMarket.standard();
    private final FixtureConfiguration<Account> fixture = Fixtures.account(LEGACY, market);

    private static RecordFill fill(String id, Side side, String quantity, String price, Book book, String leader) {
        return fill(LEGACY, id, side, quantity, price, 10, ISOLATED, book, leader);
    }

    private static RecordFill fill(String account, String id, Side side, String quantity, String price, int leverage,
                                   MarginMode mode, Book book, String leader) {
        return new RecordFill(id, account, BTC, side, d(quantity), d(price), d("0"), leverage, mode, book, leader);
    }

    /** LONG 1 BTC at 30000, 10x ISOLATED (margin 3000) in {@code book}. */
    private static PositionOpened longOne(Book book, String leader) {
        return positionOpened(LEGACY, "f0", BTC, book, leader, LONG, "1", "30000", "30000", 10, ISOLATED, "3000");
    }

    private static Object[] funded(Object... more) {
        Object[] given = new Object[2 + more.length];
        given[0] = accountOpened(LEGACY);
        given[1] = deposited(LEGACY, "100000", "100000");
        System.arraycopy(more, 0, given, 2, more.length);
        return given;
    }

    @Nested
    class RecordFillOnBooks {

        @Test
        void keepsOnePositionPerSymbolAndBookSoAnOppositeFillInAnotherBookOpensANewPosition() {
            fixture.given(funded(longOne(PERSONAL, null)))
                    .when(fill("f1", SELL, "1", "31000", COPY, "bob"))
                    .expectEventsMatching(events(
                            new PositionOpened(LEGACY, "f1", BTC, USDT, COPY, "bob", SHORT, d("1"), d("31000"),
                                    d("31000"), 10, ISOLATED, d("3100"))));
        }

        @Test
        void reducesThePositionOfTheFillsBook() {
            fixture.given(funded(longOne(PERSONAL, null), longOne(ELITE, null)))
                    .when(fill("f1", SELL, "0.5", "31000", ELITE, null))
                    .expectEventsMatching(events(
                            new PositionReduced(LEGACY, "f1", BTC, USDT, ELITE, LONG, d("0.5"), d("31000"), d("15000"),
                                    d("1500"), d("500"), d("0.5"), d("15000"), d("1500"), d("100500"))));
        }

        @Test
        void defaultsTheBookToPersonal() {
            fixture.given(funded(longOne(PERSONAL, null)))
                    .when(new RecordFill("f1", LEGACY, BTC, BUY, d("1"), d("30000"), d("0"), 10, ISOLATED))
                    .expectEventsMatching(events(
                            new PositionIncreased(LEGACY, "f1", BTC, USDT, PERSONAL, LONG, d("1"), d("30000"),
                                    d("30000"), d("3000"), d("2"), d("60000"), d("6000"))));
        }

        @Test
        void refusesACopyBookFillWithoutALeader() {
            fixture.given(funded())
                    .when(fill("f1", BUY, "1", "30000", COPY, null))
                    .expectException(refusedWith(RejectionCode.INVALID_ACCOUNT))
                    .expectNoEvents();
        }

        @Test
        void refusesACopyBookReduceWithoutALeaderToo() {
            fixture.given(funded(longOne(COPY, "bob")))
                    .when(fill("f1", SELL, "1", "30000", COPY, null))
                    .expectException(refusedWith(RejectionCode.INVALID_ACCOUNT))
                    .expectNoEvents();
        }

        @Test
        void ignoresTheLeaderOfPersonalAndEliteFills() {
            fixture.given(funded(longOne(PERSONAL, null)))
                    .when(fill("f1", BUY, "1", "30000", ELITE, "bob"))
                    .expectEventsMatching(events(
                            new PositionOpened(LEGACY, "f1", BTC, USDT, ELITE, null, LONG, d("1"), d("30000"),
                                    d("30000"), 10, ISOLATED, d("3000"))));
        }

        @Test
        void keepsTheFirstLeaderWhenACopyPositionIsIncreasedWithAnotherLeader() {
            fixture.given(funded(longOne(COPY, "bob")))
                    .when(fill("f1", BUY, "1", "30000", COPY, "carol"))
                    .expectEventsMatching(events(
                            new PositionIncreased(LEGACY, "f1", BTC, USDT, COPY, LONG, d("1"), d("30000"),
                                    d("30000"), d("3000"), d("2"), d("60000"), d("6000"))))
                    .expectState(account -> assertThat(position(account, "BTCUSDT/COPY").leader).isEqualTo("bob"));
        }

        @Test
        void opensTheNewSideOfAFlipWithTheFlipFillsLeader() {
            fixture.given(funded(longOne(COPY, "bob")))
                    .when(fill("f1", SELL, "3", "31000", COPY, "carol"))
                    .expectEventsMatching(events(
                            new PositionReduced(LEGACY, "f1", BTC, USDT, COPY, LONG, d("1"), d("31000"), d("30000"),
                                    d("3000"), d("1000"), d("0"), d("0"), d("0"), d("101000")),
                            new PositionOpened(LEGACY, "f1", BTC, USDT, COPY, "carol", SHORT, d("2"), d("31000"),
                                    d("62000"), 10, ISOLATED, d("6200"))));
        }

        @Test
        void sharesOneMarginPoolAcrossBooks() {
            // Wallet 6000: PERSONAL margin 3000 leaves 3000 available, so an ELITE position needing 3000.00000001 is refused.
            fixture.given(accountOpened(LEGACY), deposited(LEGACY, "6000", "6000"), longOne(PERSONAL, null))
                    .when(new RecordFill("f1", LEGACY, BTC, BUY, d("1"), d("30000.0000001"), d("0"), 10, ISOLATED,
                            ELITE, null))
                    .expectException(refusedWith(RejectionCode.INSUFFICIENT_MARGIN))
                    .expectNoEvents();
        }
    }

    @Nested
    class RecordFillOnOtherAccountTypes {

        @Test
        void ignoresBookAndLeaderOnAFuturesAccount() {
            String futures = "alice:FUTURES";
            Fixtures.account(futures, market)
                    .given(accountOpened(futures), deposited(futures, "100000", "100000"))
                    .when(fill(futures, "f1", BUY, "1", "30000", 10, ISOLATED, COPY, "bob"))
                    .expectEventsMatching(events(
                            new PositionOpened(futures, "f1", BTC, USDT, PERSONAL, null, LONG, d("1"), d("30000"),
                                    d("30000"), 10, ISOLATED, d("3000"))));
        }

        @Test
        void doesNotRequireALeaderForACopyBookFillOutsideLegacy() {
            String copy = "alice:COPY";
            Fixtures.account(copy, market)
                    .given(accountOpened(copy), deposited(copy, "100000", "100000"))
                    .when(fill(copy, "f1", BUY, "1", "30000", 10, ISOLATED, COPY, null))
                    .expectEventsMatching(events(
                            new PositionOpened(copy, "f1", BTC, USDT, PERSONAL, null, LONG, d("1"), d("30000"),
                                    d("30000"), 10, ISOLATED, d("3000"))));
        }

        @Test
        void treatsAFillInAnotherBookAsTheSamePositionOutsideLegacy() {
            String futures = "alice:FUTURES";
            Fixtures.account(futures, market)
                    .given(accountOpened(futures), deposited(futures, "100000", "100000"),
                            positionOpened(futures, "f0", BTC, LONG, "1", "30000", "30000", 10, ISOLATED, "3000"))
                    .when(fill(futures, "f1", SELL, "1", "30000", 10, ISOLATED, ELITE, null))
                    .expectEventsMatching(events(
                            new PositionReduced(futures, "f1", BTC, USDT, PERSONAL, LONG, d("1"), d("30000"),
                                    d("30000"), d("3000"), d("0"), d("0"), d("0"), d("0"), d("100000"))));
        }

        @ParameterizedTest
        @EnumSource(value = MigrationPhase.class, names = {"NO_NEW_ELITE_ORDERS", "NO_NEW_POSITIONS", "SHUTDOWN"})
        void neverRestrictsFillsOfNonLegacyAccountsByThePhase(MigrationPhase phase) {
            market.phase(phase);
            for (String account : new String[]{"alice:FUTURES", "alice:COPY", "alice:ELITE"}) {
                Fixtures.account(account, market)
                        .given(accountOpened(account), deposited(account, "100000", "100000"))
                        .when(fill(account, "f1", BUY, "1", "30000", 10, ISOLATED, ELITE, null))
                        .expectEventsMatching(events(
                                new PositionOpened(account, "f1", BTC, USDT, PERSONAL, null, LONG, d("1"),
                                        d("30000"), d("30000"), 10, ISOLATED, d("3000"))));
            }
        }
    }

    @Nested
    class RecordFillInMigrationPhases {

        @Test
        void acceptsEveryFillWhileLive() {
            fixture.given(funded())
                    .when(fill("f1", BUY, "1", "30000", ELITE, null))
                    .expectSuccessfulHandlerExecution();
        }

        @Test
        void refusesOpeningAnElitePositionWhenNoNewEliteOrdersAreTaken() {
            market.phase(MigrationPhase.NO_NEW_ELITE_ORDERS);
            fixture.given(funded())
                    .when(fill("f1", BUY, "1", "30000", ELITE, null))
                    .expectException(refusedWith(RejectionCode.MIGRATION_RESTRICTED))
                    .expectNoEvents();
        }

        @Test
        void refusesIncreasingAnElitePositionWhenNoNewEliteOrdersAreTaken() {
            market.phase(MigrationPhase.NO_NEW_ELITE_ORDERS);
            fixture.given(funded(longOne(ELITE, null)))
                    .when(fill("f1", BUY, "1", "30000", ELITE, null))
                    .expectException(refusedWith(RejectionCode.MIGRATION_RESTRICTED))
                    .expectNoEvents();
        }

        @Test
        void refusesFlippingAnElitePositionWhenNoNewEliteOrdersAreTaken() {
            market.phase(MigrationPhase.NO_NEW_ELITE_ORDERS);
            fixture.given(funded(longOne(ELITE, null)))
                    .when(fill("f1", SELL, "1.5", "30000", ELITE, null))
                    .expectException(refusedWith(RejectionCode.MIGRATION_RESTRICTED))
                    .expectNoEvents();
        }

        @Test
        void letsAnElitePositionBeReducedAndClosedWhenNoNewEliteOrdersAreTaken() {
            market.phase(MigrationPhase.NO_NEW_ELITE_ORDERS);
            fixture.given(funded(longOne(ELITE, null)))
                    .andGivenCommands(fill("f1", SELL, "0.5", "30000", ELITE, null))
                    .when(fill("f2", SELL, "0.5", "30000", ELITE, null))
                    .expectEventsMatching(events(
                            new PositionReduced(LEGACY, "f2", BTC, USDT, ELITE, LONG, d("0.5"), d("30000"), d("15000"),
                                    d("1500"), d("0"), d("0"), d("0"), d("0"), d("100000"))));
        }

        @Test
        void letsPersonalAndCopyPositionsOpenWhenNoNewEliteOrdersAreTaken() {
            market.phase(MigrationPhase.NO_NEW_ELITE_ORDERS);
            fixture.given(funded())
                    .andGivenCommands(fill("f1", BUY, "1", "30000", PERSONAL, null))
                    .when(fill("f2", BUY, "1", "30000", COPY, "bob"))
                    .expectEventsMatching(events(
                            new PositionOpened(LEGACY, "f2", BTC, USDT, COPY, "bob", LONG, d("1"), d("30000"),
                                    d("30000"), 10, ISOLATED, d("3000"))));
        }

        @ParameterizedTest
        @EnumSource(value = MigrationPhase.class, names = {"NO_NEW_POSITIONS", "SHUTDOWN"})
        void refusesEveryOpeningLegacyFillFromNoNewPositionsOn(MigrationPhase phase) {
            market.phase(phase);
            for (Book book : Book.values()) {
                fixture.given(funded())
                        .when(fill("f1", BUY, "1", "30000", book, "bob"))
                        .expectException(refusedWith(RejectionCode.MIGRATION_RESTRICTED))
                        .expectNoEvents();
            }
        }

        @ParameterizedTest
        @EnumSource(value = MigrationPhase.class, names = {"NO_NEW_POSITIONS", "SHUTDOWN"})
        void refusesIncreasingAndFlippingFromNoNewPositionsOn(MigrationPhase phase) {
            market.phase(phase);
            fixture.given(funded(longOne(PERSONAL, null)))
                    .when(fill("f1", BUY, "0.1", "30000", PERSONAL, null))
                    .expectException(refusedWith(RejectionCode.MIGRATION_RESTRICTED))
                    .expectNoEvents();
            fixture.given(funded(longOne(PERSONAL, null)))
                    .when(fill("f1", SELL, "1.00000001", "30000", PERSONAL, null))
                    .expectException(refusedWith(RejectionCode.MIGRATION_RESTRICTED))
                    .expectNoEvents();
        }

        @ParameterizedTest
        @EnumSource(value = MigrationPhase.class, names = {"NO_NEW_POSITIONS", "SHUTDOWN"})
        void letsReducingAndClosingFillsPassFromNoNewPositionsOn(MigrationPhase phase) {
            market.phase(phase);
            fixture.given(funded(longOne(COPY, "bob")))
                    .andGivenCommands(fill("f1", SELL, "0.5", "31000", COPY, "bob"))
                    .when(fill("f2", SELL, "0.5", "31000", COPY, "bob"))
                    .expectEventsMatching(events(
                            new PositionReduced(LEGACY, "f2", BTC, USDT, COPY, LONG, d("0.5"), d("31000"), d("15000"),
                                    d("1500"), d("500"), d("0"), d("0"), d("0"), d("101000"))));
        }

        @Test
        void reportsTheMigrationRestrictionBeforeALeverageMismatch() {
            market.phase(MigrationPhase.NO_NEW_POSITIONS);
            fixture.given(funded(longOne(PERSONAL, null)))
                    .when(fill(LEGACY, "f1", BUY, "1", "30000", 20, CROSS, PERSONAL, null))
                    .expectException(refusedWith(RejectionCode.MIGRATION_RESTRICTED))
                    .expectNoEvents();
        }
    }

    @Nested
    class PositionCommandsOnBooks {

        @Test
        void settlesFundingOnThePositionOfTheNamedBook() {
            fixture.given(funded(longOne(PERSONAL, null), longOne(COPY, "bob")))
                    .when(new SettleFunding("s1", LEGACY, BTC, d("0.0001"), d("30000"), COPY))
                    .expectEventsMatching(events(
                            new FundingSettled(LEGACY, "s1", BTC, USDT, COPY, LONG, d("1"), d("30000"), d("0.0001"),
                                    d("3"), d("-3"), d("99997"))));
        }

        @Test
        void findsNoPositionInTheDefaultPersonalBookWhenOnlyAnotherBookHasOne() {
            fixture.given(funded(longOne(COPY, "bob")))
                    .when(new SettleFunding("s1", LEGACY, BTC, d("0.0001"), d("30000")))
                    .expectException(refusedWith(RejectionCode.NO_POSITION))
                    .expectNoEvents();
        }

        @Test
        void adjustsTheMarginOfTheNamedBook() {
            fixture.given(funded(longOne(PERSONAL, null), longOne(ELITE, null)))
                    .when(new AdjustIsolatedMargin("a1", LEGACY, BTC, d("500"), ELITE))
                    .expectEventsMatching(events(
                            new IsolatedMarginAdjusted(LEGACY, "a1", BTC, USDT, ELITE, d("500"), d("3500"))));
        }

        @Test
        void liquidatesThePositionOfTheNamedBookOnly() {
            fixture.given(funded(longOne(PERSONAL, null), longOne(COPY, "bob")))
                    .when(new Liquidate("l1", LEGACY, BTC, d("29000"), COPY))
                    .expectEventsMatching(events(
                            new PositionLiquidated(LEGACY, "l1", BTC, USDT, COPY, LONG, ISOLATED, d("1"), d("29000"),
                                    d("30000"), d("3000"), d("-1000"), d("-1000"), d("0"), d("99000"))));
        }

        @Test
        void ignoresTheBookOfPositionCommandsOnOtherAccountTypes() {
            String futures = "alice:FUTURES";
            Fixtures.account(futures, market)
                    .given(accountOpened(futures), deposited(futures, "100000", "100000"),
                            positionOpened(futures, "f0", BTC, SHORT, "1", "30000", "30000", 10, CROSS, "0"))
                    .when(new SettleFunding("s1", futures, BTC, d("0.0001"), d("30000"), ELITE))
                    .expectEventsMatching(events(
                            new FundingSettled(futures, "s1", BTC, USDT, PERSONAL, SHORT, d("1"), d("30000"),
                                    d("0.0001"), d("3"), d("3"), d("100003"))));
        }
    }

    /** The account's position under {@code key}; the leader is state that no later event repeats. */
    private static Position position(Account account, String key) {
        try {
            Field positions = Account.class.getDeclaredField("positions");
            positions.setAccessible(true);
            @SuppressWarnings("unchecked")
            Map<String, Position> byKey = (Map<String, Position>) positions.get(account);
            assertThat(byKey).containsKey(key);
            return byKey.get(key);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("Account has no positions map any more; update this test", e);
        }
    }
}
