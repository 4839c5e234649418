package dev.ledger.domain.migration;

import dev.ledger.domain.event.EventMetadata;
import dev.ledger.domain.event.MigrationCompleted;
import dev.ledger.domain.event.MigrationStarted;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.event.PositionReduced;
import dev.ledger.domain.testing.InjectedFields;
import dev.ledger.domain.testing.RecordingReminders;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.PositionSide;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.test.FixtureExecutionException;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.ledger.domain.testing.Given.BTC;
import static dev.ledger.domain.testing.Given.ETH;
import static dev.ledger.domain.testing.Given.USDT;
import static dev.ledger.domain.testing.Given.d;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The migration saga with Axon's {@link SagaTestFixture}: it starts on {@code MigrationStarted}, counts the
 * legacy account's COPY and ELITE positions down as they close (a closing fill or a liquidation; PERSONAL
 * positions and partial reduces do not count), sends {@link CompleteMigration} (with the id of the command
 * whose event made it possible) when none is left, keeps a reminder while it waits, and ends on
 * {@code MigrationCompleted}.
 *
 * <p>The saga dispatches through the {@code CommandBus} in a field marked {@code @Injected}; the fixture
 * injects only {@code @Inject} fields by itself, so the test registers {@link InjectedFields} with the
 * fixture's recording command bus, a {@link RecordingReminders} and the settings.
 */
class MigrationSagaTest {

    private static final String USER = "alice";
    private static final String LEGACY = "alice:LEGACY";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Duration OVERDUE_AFTER = Duration.ofDays(14);
    private static final CompleteMigration COMPLETE = new CompleteMigration("migration-complete:" + USER, USER);

    private SagaTestFixture<MigrationSaga> fixture;
    private RecordingReminders reminders;

    @BeforeEach
    void wire() {
        fixture = new SagaTestFixture<>(MigrationSaga.class);
        reminders = new RecordingReminders();
        fixture.registerResourceInjector(new InjectedFields(fixture.getCommandBus(), reminders,
                new MigrationSettings(OVERDUE_AFTER)));
        // As the ledger wires the saga manager: a failing saga step fails the command that triggered it.
        fixture.registerListenerInvocationErrorHandler(PropagatingErrorHandler.instance());
        fixture.givenCurrentTime(T0);
    }

    private static MigrationStarted started(int openCopy, int openElite) {
        return new MigrationStarted(LEGACY, USER, openCopy, openElite);
    }

    /** A fill reduced the position of {@code book} by 1 of {@code quantityBefore}; closed when that was all. */
    private static PositionReduced reduced(String account, String tradeId, String symbol, Book book, String quantityBefore) {
        String after = d(quantityBefore).subtract(d("1")).toPlainString();
        return new PositionReduced(account, tradeId, symbol, USDT, book, PositionSide.LONG, d("1"), d("31000"),
                d("30000"), d("3000"), d("1000"), d(after), d("30000").multiply(d(after)), d("3000").multiply(d(after)),
                d("51000"));
    }

    private static PositionReduced closed(String tradeId, String symbol, Book book) {
        return reduced(LEGACY, tradeId, symbol, book, "1");
    }

    private static PositionLiquidated liquidated(String account, String commandId, String symbol, Book book) {
        return new PositionLiquidated(account, commandId, symbol, USDT, book, PositionSide.LONG, MarginMode.ISOLATED,
                d("1"), d("20000"), d("30000"), d("3000"), d("-10000"), d("-3000"), d("7000"), d("47000"));
    }

    private static Map<String, Object> byCommand(String commandId) {
        return Map.of(EventMetadata.COMMAND_ID, commandId);
    }

    /** The expected completion, carrying the id of the command that triggered it. */
    private static CommandMessage<?> completionTriggeredBy(String commandId) {
        return GenericCommandMessage.asCommandMessage(COMPLETE).andMetaData(byCommand(commandId));
    }

    private MigrationCompleted completed() {
        return new MigrationCompleted(LEGACY, USER, List.of("alice:FUTURES", "alice:COPY"));
    }

    @Nested
    class ImmediateCompletion {

        @Test
        void completesAtOnceWhenNoCopyOrElitePositionIsOpenAndSchedulesNoReminder() {
            fixture.givenNoPriorActivity()
                    .whenAggregate(LEGACY).publishes(started(0, 0), byCommand("migrate-start:alice"))
                    .expectSuccessfulHandlerExecution()
                    .expectActiveSagas(1)
                    .expectAssociationWith("account", LEGACY)
                    .expectDispatchedCommands(completionTriggeredBy("migrate-start:alice"));
            assertThat(reminders.calls()).isEmpty();
        }

        @Test
        void staysActiveAfterDispatchingUntilMigrationCompletedEndsIt() {
            fixture.givenAggregate(LEGACY).published(started(0, 0))
                    .whenAggregate(LEGACY).publishes(completed())
                    .expectSuccessfulHandlerExecution()
                    .expectActiveSagas(0)
                    .expectNoAssociationWith("account", LEGACY)
                    .expectNoDispatchedCommands();
            // Cancelling a reminder that was never scheduled is harmless; the port is told anyway.
            assertThat(reminders.calls()).containsExactly("cancel alice");
        }
    }

    @Nested
    class WaitingForCopyAndElitePositions {

        @Test
        void waitsWhileCopyOrElitePositionsAreOpenAndSchedulesTheReminderAtStartPlusOverdueAfter() {
            fixture.givenNoPriorActivity()
                    .whenAggregate(LEGACY).publishes(started(1, 2), byCommand("migrate-start:alice"))
                    .expectSuccessfulHandlerExecution()
                    .expectActiveSagas(1)
                    .expectNoDispatchedCommands();
            assertThat(reminders.calls()).containsExactly("schedule alice " + T0.plus(OVERDUE_AFTER));
        }

        @Test
        void completesWhenAFillClosesTheLastCopyPosition() {
            fixture.givenAggregate(LEGACY).published(started(1, 0))
                    .whenAggregate(LEGACY).publishes(closed("close-copy", BTC, Book.COPY), byCommand("close-copy"))
                    .expectSuccessfulHandlerExecution()
                    .expectActiveSagas(1)
                    .expectDispatchedCommands(completionTriggeredBy("close-copy"));
        }

        @Test
        void completesWhenALiquidationClosesTheLastElitePosition() {
            fixture.givenAggregate(LEGACY).published(started(0, 1))
                    .whenAggregate(LEGACY).publishes(liquidated(LEGACY, "liq-elite", BTC, Book.ELITE),
                            byCommand("liq-elite"))
                    .expectSuccessfulHandlerExecution()
                    .expectDispatchedCommands(completionTriggeredBy("liq-elite"));
        }

        @Test
        void completesWhenALiquidationClosesTheLastCopyPosition() {
            fixture.givenAggregate(LEGACY).published(started(1, 0))
                    .whenAggregate(LEGACY).publishes(liquidated(LEGACY, "liq-copy", ETH, Book.COPY),
                            byCommand("liq-copy"))
                    .expectDispatchedCommands(completionTriggeredBy("liq-copy"));
        }

        @Test
        void waitsForEveryCopyAndElitePositionNotJustOneOfEachBook() {
            fixture.givenAggregate(LEGACY).published(started(2, 1), closed("c1", BTC, Book.COPY))
                    .andThenAggregate(LEGACY).published(liquidated(LEGACY, "l1", BTC, Book.ELITE))
                    .whenAggregate(LEGACY).publishes(closed("c2", ETH, Book.COPY), byCommand("c2"))
                    .expectDispatchedCommands(completionTriggeredBy("c2"));
        }

        @Test
        void doesNotCompleteWhileAnotherBookStillHasAnOpenPosition() {
            fixture.givenAggregate(LEGACY).published(started(1, 1))
                    .whenAggregate(LEGACY).publishes(closed("c1", BTC, Book.COPY), byCommand("c1"))
                    .expectSuccessfulHandlerExecution()
                    .expectNoDispatchedCommands();
        }

        @Test
        void ignoresClosingAndLiquidatingPersonalPositions() {
            fixture.givenAggregate(LEGACY).published(started(1, 0), closed("p1", BTC, Book.PERSONAL))
                    .whenAggregate(LEGACY).publishes(liquidated(LEGACY, "p2", ETH, Book.PERSONAL), byCommand("p2"))
                    .expectSuccessfulHandlerExecution()
                    .expectNoDispatchedCommands();
        }

        @Test
        void ignoresAPartialReduceOfACopyPosition() {
            fixture.givenAggregate(LEGACY).published(started(1, 0))
                    .whenAggregate(LEGACY).publishes(reduced(LEGACY, "r1", BTC, Book.COPY, "3"), byCommand("r1"))
                    .expectSuccessfulHandlerExecution()
                    .expectNoDispatchedCommands();
        }

        @Test
        void completesOnTheCloseThatFollowsPartialReduces() {
            fixture.givenAggregate(LEGACY).published(started(1, 0), reduced(LEGACY, "r1", BTC, Book.COPY, "3"),
                            reduced(LEGACY, "r2", BTC, Book.COPY, "2"))
                    .whenAggregate(LEGACY).publishes(closed("r3", BTC, Book.COPY), byCommand("r3"))
                    .expectDispatchedCommands(completionTriggeredBy("r3"));
        }

        @Test
        void ignoresClosesInAnotherUsersLegacyAccount() {
            fixture.givenAggregate(LEGACY).published(started(1, 0))
                    .whenAggregate("bob:LEGACY").publishes(reduced("bob:LEGACY", "bob-close", BTC, Book.COPY, "1"),
                            byCommand("bob-close"))
                    .expectSuccessfulHandlerExecution()
                    .expectActiveSagas(1)
                    .expectNoDispatchedCommands();
        }

        @Test
        void treatsACloseBeyondTheCountedPositionsAsABugNotAnOutcome() {
            fixture.givenAggregate(LEGACY).published(started(1, 0), closed("c1", BTC, Book.COPY));
            assertThatThrownBy(() -> fixture.whenAggregate(LEGACY).publishes(closed("c2", ETH, Book.COPY)))
                    .isInstanceOf(FixtureExecutionException.class)
                    .hasRootCauseInstanceOf(IllegalStateException.class)
                    .hasRootCauseMessage("migration of alice:LEGACY counted more closes than open positions");
        }
    }

    @Nested
    class Reminders {

        @Test
        void usesTheConfiguredOverdueAfterFromTheStartEventsTime() {
            fixture = new SagaTestFixture<>(MigrationSaga.class);
            reminders = new RecordingReminders();
            fixture.registerResourceInjector(new InjectedFields(fixture.getCommandBus(), reminders,
                    new MigrationSettings(Duration.ofHours(36))));
            Instant startedAt = Instant.parse("2026-05-31T23:59:59.123Z");
            fixture.givenCurrentTime(startedAt)
                    .whenAggregate(LEGACY).publishes(started(0, 1));
            assertThat(reminders.pending()).containsExactly(Map.entry(USER, startedAt.plus(Duration.ofHours(36))));
        }

        @Test
        void keepsTheReminderWhileWaitingAndCancelsItWhenTheMigrationCompletes() {
            fixture.givenAggregate(LEGACY).published(started(1, 0));
            assertThat(reminders.pending()).containsExactly(Map.entry(USER, T0.plus(OVERDUE_AFTER)));

            fixture.whenAggregate(LEGACY).publishes(closed("c1", BTC, Book.COPY))
                    .expectDispatchedCommands(COMPLETE);
            // The completion's command has not been handled yet (it is a recording bus): the reminder stays
            // until MigrationCompleted, which the completion publishes in the same unit of work.
            assertThat(reminders.pending()).containsKey(USER);

            fixture.whenAggregate(LEGACY).publishes(completed())
                    .expectActiveSagas(0);
            assertThat(reminders.pending()).isEmpty();
            assertThat(reminders.calls()).containsExactly("schedule alice " + T0.plus(OVERDUE_AFTER), "cancel alice");
        }

        @Test
        void reschedulesNothingWhenTimePassesWhileWaiting() {
            fixture.givenAggregate(LEGACY).published(started(1, 0))
                    .whenTimeElapses(Duration.ofDays(20))
                    .expectNoDispatchedCommands()
                    .expectNoScheduledEvents()
                    .expectNoScheduledDeadlines()
                    .expectActiveSagas(1);
            assertThat(reminders.calls()).containsExactly("schedule alice " + T0.plus(OVERDUE_AFTER));
        }
    }

    @Nested
    class Ending {

        @Test
        void handlesNothingForTheAccountAfterMigrationCompleted() {
            fixture.givenAggregate(LEGACY).published(started(1, 0), closed("c1", BTC, Book.COPY), completed())
                    .whenAggregate(LEGACY).publishes(liquidated(LEGACY, "late", ETH, Book.ELITE))
                    .expectSuccessfulHandlerExecution()
                    .expectActiveSagas(0)
                    .expectNoDispatchedCommands();
        }

        @Test
        void startsNoSagaForACloseOrACompletionWithoutAStart() {
            fixture.givenNoPriorActivity()
                    .whenAggregate(LEGACY).publishes(closed("c1", BTC, Book.COPY))
                    .expectActiveSagas(0)
                    .expectNoDispatchedCommands();
        }

        @Test
        void failsTheTriggeringStepWhenTheCompletionFails() {
            // The ledger runs the saga in the triggering command's unit of work: a completion that fails must
            // fail that step (and so roll the command back) rather than leave a saga that thinks it is done.
            fixture.setCallbackBehavior((payload, metaData) -> {
                throw new IllegalStateException("position move failed");
            });
            fixture.givenAggregate(LEGACY).published(started(1, 0));
            assertThatThrownBy(() -> fixture.whenAggregate(LEGACY).publishes(closed("c1", BTC, Book.COPY)))
                    .isInstanceOf(FixtureExecutionException.class)
                    .rootCause().hasMessage("position move failed");
        }
    }
}
