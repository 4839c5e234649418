package dev.ledger.domain.market;

import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.SetMigrationPhase;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.event.MarkPriceUpdated;
import dev.ledger.domain.event.MigrationPhaseChanged;
import dev.ledger.domain.event.SymbolConfigured;
import dev.ledger.domain.testing.Fixtures;
import dev.ledger.domain.value.MigrationPhase;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.domain.value.SymbolSpec;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.ledger.domain.testing.ByValue.events;
import static dev.ledger.domain.testing.Given.BTC;
import static dev.ledger.domain.testing.Given.ETH;
import static dev.ledger.domain.testing.Given.USDT;
import static dev.ledger.domain.testing.Given.d;
import static dev.ledger.domain.testing.Refusals.refusedWith;
import static dev.ledger.domain.value.MigrationPhase.LIVE;
import static dev.ledger.domain.value.MigrationPhase.NO_NEW_ELITE_ORDERS;
import static dev.ledger.domain.value.MigrationPhase.NO_NEW_POSITIONS;
import static dev.ledger.domain.value.MigrationPhase.SHUTDOWN;
import static org.assertj.core.api.Assertions.assertThat;

/** The market aggregate: listings, mark prices and the global migration phase. */
class MarketTest {

    private final FixtureConfiguration<Market> fixture = Fixtures.market();

    private static SymbolConfigured btcListed() {
        return new SymbolConfigured(BTC, USDT, d("0.005"), 125);
    }

    @Nested
    class ConfigureSymbolCommand {

        @Test
        void listsASymbolOnAFreshMarket() {
            fixture.givenNoPriorActivity()
                    .when(new ConfigureSymbol("m1", BTC, USDT, d("0.005"), 125))
                    .expectEventsMatching(events(btcListed()))
                    .expectState(market -> assertThat(market.symbol(BTC))
                            .isEqualTo(new SymbolSpec(BTC, USDT, d("0.005"), 125)));
        }

        @Test
        void replacesTheValuesOfAListedSymbolWithoutRefusing() {
            fixture.given(btcListed(), new MarkPriceUpdated(BTC, d("30000")))
                    .when(new ConfigureSymbol("m2", BTC, "USDC", d("0.01"), 20))
                    .expectEventsMatching(events(new SymbolConfigured(BTC, "USDC", d("0.01"), 20)))
                    .expectState(market -> {
                        assertThat(market.symbol(BTC)).isEqualTo(new SymbolSpec(BTC, "USDC", d("0.01"), 20));
                        assertThat(market.markPrice(BTC)).isEqualByComparingTo("30000");
                    });
        }

        @Test
        void acceptsTheSameValuesAgain() {
            fixture.given(btcListed())
                    .when(new ConfigureSymbol("m2", BTC, USDT, d("0.005"), 125))
                    .expectEventsMatching(events(btcListed()));
        }

        @Test
        void acceptsAZeroMaintenanceMarginRateAndLeverageOne() {
            fixture.givenNoPriorActivity()
                    .when(new ConfigureSymbol("m1", ETH, USDT, d("0"), 1))
                    .expectEventsMatching(events(new SymbolConfigured(ETH, USDT, d("0"), 1)));
        }

        @Test
        void refusesAMaintenanceMarginRateOfOne() {
            fixture.givenNoPriorActivity()
                    .when(new ConfigureSymbol("m1", BTC, USDT, d("1"), 125))
                    .expectException(refusedWith(RejectionCode.INVALID_AMOUNT))
                    .expectNoEvents();
        }

        @Test
        void refusesAMaximumLeverageBelowOne() {
            fixture.givenNoPriorActivity()
                    .when(new ConfigureSymbol("m1", BTC, USDT, d("0.005"), 0))
                    .expectException(refusedWith(RejectionCode.INVALID_AMOUNT))
                    .expectNoEvents();
        }
    }

    @Nested
    class UpdateMarkPriceCommand {

        @Test
        void recordsTheMarkOfAListedSymbol() {
            fixture.given(btcListed())
                    .when(new UpdateMarkPrice("p1", BTC, d("30123.45678901")))
                    .expectEventsMatching(events(new MarkPriceUpdated(BTC, d("30123.45678901"))));
        }

        @Test
        void answersTheLatestRecordedMark() {
            fixture.given(btcListed(), new MarkPriceUpdated(BTC, d("30000")))
                    .when(new UpdateMarkPrice("p2", BTC, d("29000.5")))
                    .expectState(market -> {
                        assertThat(market.markPrice(BTC)).isEqualByComparingTo("29000.5");
                        assertThat(market.markPrice(ETH)).isNull();
                    });
        }

        @Test
        void refusesAnySymbolOnAMarketWithNothingListed() {
            fixture.givenNoPriorActivity()
                    .when(new UpdateMarkPrice("p1", BTC, d("30000")))
                    .expectException(refusedWith(RejectionCode.UNKNOWN_SYMBOL))
                    .expectNoEvents();
        }

        @Test
        void refusesASymbolThatIsNotListed() {
            fixture.given(btcListed())
                    .when(new UpdateMarkPrice("p1", ETH, d("2000")))
                    .expectException(refusedWith(RejectionCode.UNKNOWN_SYMBOL))
                    .expectNoEvents();
        }

        @Test
        void reportsAnInvalidPriceBeforeAnUnknownSymbol() {
            fixture.given(btcListed())
                    .when(new UpdateMarkPrice("p1", ETH, d("0")))
                    .expectException(refusedWith(RejectionCode.INVALID_AMOUNT))
                    .expectNoEvents();
        }
    }

    @Nested
    class SetMigrationPhaseCommand {

        @Test
        void startsAtLive() {
            assertThat(MarketState.EMPTY.migrationPhase()).isEqualTo(LIVE);
            fixture.given(btcListed())
                    .when(new UpdateMarkPrice("p1", BTC, d("1")))
                    .expectState(market -> assertThat(market.migrationPhase()).isEqualTo(LIVE));
        }

        @Test
        void movesForwardOneStep() {
            fixture.givenNoPriorActivity()
                    .when(new SetMigrationPhase("p1", NO_NEW_ELITE_ORDERS))
                    .expectEventsMatching(events(new MigrationPhaseChanged(LIVE, NO_NEW_ELITE_ORDERS)))
                    .expectState(market -> assertThat(market.migrationPhase()).isEqualTo(NO_NEW_ELITE_ORDERS));
        }

        @Test
        void mayBeSetBeforeAnySymbolIsListedAndThenListingKeepsThePhase() {
            fixture.givenNoPriorActivity()
                    .andGivenCommands(new SetMigrationPhase("p1", NO_NEW_POSITIONS))
                    .when(new ConfigureSymbol("m1", BTC, USDT, d("0.005"), 125))
                    .expectEventsMatching(events(btcListed()))
                    .expectState(market -> assertThat(market.migrationPhase()).isEqualTo(NO_NEW_POSITIONS));
        }

        @Test
        void maySkipPhases() {
            fixture.given(btcListed())
                    .when(new SetMigrationPhase("p1", SHUTDOWN))
                    .expectEventsMatching(events(new MigrationPhaseChanged(LIVE, SHUTDOWN)));
        }

        @Test
        void refusesTheCurrentPhaseOnAFreshMarket() {
            fixture.givenNoPriorActivity()
                    .when(new SetMigrationPhase("p1", LIVE))
                    .expectException(refusedWith(RejectionCode.MIGRATION_RESTRICTED))
                    .expectNoEvents();
        }

        @ParameterizedTest
        @EnumSource(value = MigrationPhase.class, names = {"LIVE", "NO_NEW_ELITE_ORDERS", "NO_NEW_POSITIONS"})
        void refusesTheSameOrAnEarlierPhase(MigrationPhase target) {
            fixture.given(btcListed(), new MigrationPhaseChanged(LIVE, NO_NEW_POSITIONS))
                    .when(new SetMigrationPhase("p2", target))
                    .expectException(refusedWith(RejectionCode.MIGRATION_RESTRICTED))
                    .expectNoEvents();
        }

        @Test
        void movesOnFromALaterPhase() {
            fixture.given(btcListed(), new MigrationPhaseChanged(LIVE, NO_NEW_POSITIONS))
                    .when(new SetMigrationPhase("p2", SHUTDOWN))
                    .expectEventsMatching(events(new MigrationPhaseChanged(NO_NEW_POSITIONS, SHUTDOWN)));
        }

        @ParameterizedTest
        @EnumSource(MigrationPhase.class)
        void refusesEveryPhaseAfterShutdown(MigrationPhase target) {
            fixture.given(new MigrationPhaseChanged(LIVE, NO_NEW_ELITE_ORDERS),
                            new MigrationPhaseChanged(NO_NEW_ELITE_ORDERS, SHUTDOWN))
                    .when(new SetMigrationPhase("p3", target))
                    .expectException(refusedWith(RejectionCode.MIGRATION_RESTRICTED))
                    .expectNoEvents();
        }
    }
}
