package dev.ledger.api.read;

import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.store.TokenPositions;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.queryhandling.QueryBus;
import org.axonframework.queryhandling.annotation.AnnotationQueryHandlerAdapter;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Runs the projections: one tracking event processor per read model, each with its own token, so
 * each read model is independent and can be rebuilt alone. A batch of events, its read-model writes
 * and its token commit in one transaction (exactly once). A failing event is never skipped: the
 * error propagates, the processor stops on that event, reports it in {@link #status()}, and retries.
 */
public final class ReadModels implements AutoCloseable {

    /** Events per read-model transaction. */
    public static final int BATCH_SIZE = 500;

    private final LedgerStore store;
    private final TokenPositions tokens;
    private final Map<String, TrackingEventProcessor> processors = new LinkedHashMap<>();

    public ReadModels(LedgerStore store, EventStore eventStore, QueryBus queryBus, Map<String, Object> projections,
                      List<Object> queryOnlyHandlers) {
        this.store = store;
        this.tokens = new TokenPositions(store);
        queryOnlyHandlers.forEach(handler -> new AnnotationQueryHandlerAdapter<>(handler).subscribe(queryBus));
        projections.forEach((name, projection) -> {
            new AnnotationQueryHandlerAdapter<>(projection).subscribe(queryBus);
            TrackingEventProcessor processor = TrackingEventProcessor.builder()
                    .name(name)
                    .eventHandlerInvoker(SimpleEventHandlerInvoker.builder()
                            .eventHandlers(projection, new PositionTracker())
                            .listenerInvocationErrorHandler(PropagatingErrorHandler.instance())
                            .build())
                    .errorHandler(PropagatingErrorHandler.instance())
                    .messageSource(eventStore)
                    .tokenStore(store.tokenStore())
                    .transactionManager(store.transactions())
                    .trackingEventProcessorConfiguration(TrackingEventProcessorConfiguration
                            .forSingleThreadedProcessing()
                            .andBatchSize(BATCH_SIZE)
                            .andEventAvailabilityTimeout(200, TimeUnit.MILLISECONDS))
                    .build();
            processors.put(name, processor);
        });
    }

    public void start() {
        processors.values().forEach(TrackingEventProcessor::start);
    }

    public List<String> names() {
        return List.copyOf(processors.keySet());
    }

    /** The state of each read model's processor. */
    public List<ProjectionStatus> status() {
        List<ProjectionStatus> result = new ArrayList<>();
        processors.forEach((name, processor) -> {
            Map<Integer, EventTrackerStatus> segments = processor.processingStatus();
            long position = -1;
            Throwable error = null;
            for (EventTrackerStatus segment : segments.values()) {
                OptionalLong current = segment.getCurrentPosition();
                if (current.isPresent()) {
                    position = Math.max(position, current.getAsLong());
                }
                if (segment.isErrorState() && segment.getError() != null) {
                    error = segment.getError();
                }
            }
            if (segments.isEmpty()) {
                // Not claimed here (another node or process runs it, or it has not started yet): what it
                // committed is what readers see.
                position = tokens.committedPosition(name).orElse(-1);
            }
            result.add(new ProjectionStatus(name, processor.isRunning(), !segments.isEmpty(), position,
                    error == null ? null : String.valueOf(error)));
        });
        return result;
    }

    /**
     * Waits until every read model has processed every event committed before this call. Fails if a
     * read model is stuck on an error or the timeout passes.
     */
    public void awaitCaughtUp(Duration timeout) {
        long head = store.headIndex();
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Long> lastPosition = new HashMap<>();
        Map<String, Long> stalledSince = new HashMap<>();
        while (true) {
            List<ProjectionStatus> lagging = status().stream().filter(s -> s.position() < head).toList();
            if (lagging.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            for (ProjectionStatus s : lagging) {
                if (s.error() != null && now > deadline) {
                    throw new ReadModelLagException("read model " + s.name() + " is stopped at position "
                            + s.position() + " by an error: " + s.error());
                }
                unstickIfStalled(s, now, lastPosition, stalledSince);
            }
            if (now > deadline) {
                throw new ReadModelLagException("read models did not reach event " + head + " within " + timeout
                        + ": " + lagging);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ReadModelLagException("interrupted while waiting for read models", e);
            }
        }
    }

    /**
     * A processor that runs here, is not in error, and has not moved for {@link #STALL_NANOS} while events
     * wait for it is restarted: it reopens its event stream from its committed token. Axon's embedded
     * event store can leave a tailing consumer waiting on its shared cache for an event it fetched before
     * the consumer joined; reopening reads it from the store. Nothing is skipped or processed twice: the
     * token and the read-model rows commit together.
     */
    private void unstickIfStalled(ProjectionStatus status, long now, Map<String, Long> lastPosition,
                                  Map<String, Long> stalledSince) {
        Long previous = lastPosition.put(status.name(), status.position());
        if (previous == null || previous != status.position()) {
            stalledSince.put(status.name(), now);
            return;
        }
        if (!status.claimed() || status.error() != null || now - stalledSince.get(status.name()) < STALL_NANOS) {
            return;
        }
        TrackingEventProcessor processor = processors.get(status.name());
        log.warn("Read model {} has not moved from position {} for {} ms while events wait; reopening its stream",
                status.name(), status.position(), STALL_NANOS / 1_000_000);
        processor.shutDown();
        processor.start();
        stalledSince.put(status.name(), now);
    }

    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final Logger log = LoggerFactory.getLogger(ReadModels.class);

    @Override
    public void close() {
        processors.values().forEach(TrackingEventProcessor::shutDown);
    }
}
