package dev.ledger.api.migration;

import dev.ledger.api.write.CommandReactions;
import dev.ledger.domain.migration.MigrationSaga;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.Segment;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.saga.AnnotatedSagaManager;

import java.util.List;
import java.util.Objects;

/**
 * Runs the migration saga on a command's events inside the command's unit of work. Only the events the
 * saga can care about reach its manager, so ordinary commands pay no saga-store look-up.
 */
public final class MigrationSagaReactions implements CommandReactions {

    private final AnnotatedSagaManager<MigrationSaga> sagaManager;

    public MigrationSagaReactions(AnnotatedSagaManager<MigrationSaga> sagaManager) {
        this.sagaManager = Objects.requireNonNull(sagaManager, "sagaManager");
    }

    @Override
    public void react(List<EventMessage<?>> events) throws Exception {
        for (EventMessage<?> event : events) {
            if (!MigrationSaga.mayConcern(event.getPayload())) {
                continue;
            }
            UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(event);
            var result = unitOfWork.executeWithResult(() -> {
                sagaManager.handle(event, Segment.ROOT_SEGMENT);
                return null;
            });
            if (result.isExceptional()) {
                Throwable error = result.exceptionResult();
                throw error instanceof Exception exception ? exception : new IllegalStateException(error);
            }
        }
    }
}
