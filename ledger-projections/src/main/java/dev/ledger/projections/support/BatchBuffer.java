package dev.ledger.projections.support;

import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Collects a projection's changes for the whole batch of events that one unit of work processes and
 * writes them once, just before the batch's transaction commits (together with the token). This is
 * what turns "one row update and one token update per event" into one batched write per batch.
 */
public final class BatchBuffer<B> {

    private final String resourceKey;
    private final Supplier<B> factory;
    private final Consumer<B> flush;
    private final Runnable rolledBack;

    public BatchBuffer(String name, Supplier<B> factory, Consumer<B> flush) {
        this(name, factory, flush, () -> {
        });
    }

    /** Also tells {@code rolledBack} when a batch that used the buffer rolls back, written or not. */
    public BatchBuffer(String name, Supplier<B> factory, Consumer<B> flush, Runnable rolledBack) {
        this.resourceKey = BatchBuffer.class.getName() + "." + name;
        this.factory = factory;
        this.flush = flush;
        this.rolledBack = rolledBack;
    }

    /** The buffer of the current batch, created (and its flush scheduled) on first use. */
    public B current() {
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        return root.getOrComputeResource(resourceKey, key -> {
            B buffer = factory.get();
            root.onPrepareCommit(u -> flush.accept(buffer));
            root.onRollback(u -> rolledBack.run());
            return buffer;
        });
    }
}
