package dev.ledger.domain.migration;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.ledger.domain.event.EventMetadata;
import dev.ledger.domain.event.MigrationCompleted;
import dev.ledger.domain.event.MigrationStarted;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.event.PositionReduced;
import dev.ledger.domain.support.Injected;
import dev.ledger.domain.value.Book;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandResultMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.StartSaga;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One user's migration from LEGACY to FUTURES/COPY/ELITE. It starts with {@link MigrationStarted}, counts
 * the legacy account's open COPY and ELITE positions down as they close (by fill or liquidation), and
 * when none is left sends {@link CompleteMigration}. While it waits, a persistent reminder makes the
 * user overdue after {@link MigrationSettings#overdueAfter()}.
 *
 * <p>The saga runs in the unit of work of the command whose event it handles (a subscribing processor),
 * so its state, the completion and that command commit in one transaction: a migration is never half
 * done, and a crash before the commit leaves nothing to undo. Its state is kept in the JDBC saga store.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class MigrationSaga {

    private String user;
    private String legacyAccount;
    private int openCopyPositions;
    private int openElitePositions;

    @Injected
    @JsonIgnore
    private transient CommandBus commandBus;
    @Injected
    @JsonIgnore
    private transient MigrationReminders reminders;
    @Injected
    @JsonIgnore
    private transient MigrationSettings settings;

    /** Whether an event can matter to a migration saga (others are not offered to the saga manager). */
    public static boolean mayConcern(Object payload) {
        if (payload instanceof MigrationStarted || payload instanceof MigrationCompleted) {
            return true;
        }
        if (payload instanceof PositionReduced reduced) {
            return reduced.closed() && reduced.book() != Book.PERSONAL;
        }
        if (payload instanceof PositionLiquidated liquidated) {
            return liquidated.book() != Book.PERSONAL;
        }
        return false;
    }

    @StartSaga
    @SagaEventHandler(associationProperty = "account")
    void on(MigrationStarted event, @Timestamp Instant startedAt,
            @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        user = event.user();
        legacyAccount = event.account();
        openCopyPositions = event.openCopyPositions();
        openElitePositions = event.openElitePositions();
        if (waitingFor() == 0) {
            complete(commandId);
        } else {
            reminders.schedule(user, startedAt.plus(settings.overdueAfter()));
        }
    }

    @SagaEventHandler(associationProperty = "account")
    void on(PositionReduced event, @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        if (event.closed()) {
            closed(event.book(), commandId);
        }
    }

    @SagaEventHandler(associationProperty = "account")
    void on(PositionLiquidated event, @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        closed(event.book(), commandId);
    }

    @EndSaga
    @SagaEventHandler(associationProperty = "account")
    void on(MigrationCompleted event) {
        reminders.cancel(user);
    }

    private void closed(Book book, String commandId) {
        if (book == Book.COPY) {
            openCopyPositions--;
        } else if (book == Book.ELITE) {
            openElitePositions--;
        } else {
            return;
        }
        if (openCopyPositions < 0 || openElitePositions < 0) {
            throw new IllegalStateException("migration of " + legacyAccount + " counted more closes than open positions");
        }
        if (waitingFor() == 0) {
            complete(commandId);
        }
    }

    private int waitingFor() {
        return openCopyPositions + openElitePositions;
    }

    /** Completes now, in this unit of work; the completion's events carry the id of the triggering command. */
    private void complete(String triggeringCommandId) {
        AtomicReference<CommandResultMessage<?>> result = new AtomicReference<>();
        CompleteMigration command = new CompleteMigration("migration-complete:" + user, user);
        commandBus.dispatch(GenericCommandMessage.asCommandMessage(command).andMetaData(
                triggeringCommandId == null ? Map.of() : Map.of(EventMetadata.COMMAND_ID, triggeringCommandId)),
                (message, r) -> result.set(r));
        CommandResultMessage<?> r = result.get();
        if (r == null) {
            throw new IllegalStateException("the migration of " + user + " was not completed synchronously");
        }
        if (r.isExceptional()) {
            throw new IllegalStateException("the migration of " + user + " failed to complete", r.exceptionResult());
        }
    }
}
