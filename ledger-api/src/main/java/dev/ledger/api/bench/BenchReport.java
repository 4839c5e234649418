package dev.ledger.api.bench;

import java.util.List;

/**
 * The figures of one {@code ledger bench} run, all measured on the same store in the same process:
 * the raw insert limit of the database, and the ledger's durable transfers beside it. Rates and
 * ratios carry 4 significant digits; they are measurements, not guarantees.
 *
 * @param store                  the store, password hidden
 * @param conditions             what was running and what was not, for reading the figures right
 * @param rawOneRowPerCommit     plain JDBC inserts of event-sized rows, one transaction each
 * @param rawBatched             the same rows batched, at the fastest of the batch sizes tried
 * @param ledgerOneCaller        transfers sent one after the other, each awaited
 * @param ledgerConcurrentCallers transfers sent by {@link LedgerBenchmark#CALLERS} threads at once, each call awaited
 * @param ledgerCallersWithOutcomesInFlight the same callers, each with up to {@link LedgerBenchmark#IN_FLIGHT_PER_CALLER}
 *                               transfers not yet durable: groups as large as the raw batches
 * @param rawRead                plain JDBC read of the whole event table, every column, in index order
 * @param rebuild                every read model rebuilt verify-only from that table, beside the raw read
 * @param markTicks              durable mark-price ticks on a symbol with many open positions beside one with none
 * @param fanOuts                one lead fill mirrored to N copiers, per N, beside the raw insert of as many rows
 * @param followQueries          the copy-trading queries on the fan-outs' leaders and copiers
 * @param rawBatchSizes          the raw batched insert at each batch size tried; {@code rawBatched} is the fastest
 * @param naiveAxon              the same transfers on a plain Axon configuration, beside the ledger's
 * @param scale                  the store filled step by step ({@code ledger bench --events N}), or {@code null}
 * @param writers                several writer processes on one PostgreSQL ({@code ledger bench --writers 1,2,4}), or
 *                               {@code null}
 */
public record BenchReport(String store, String conditions, RawInsertRun rawOneRowPerCommit, RawInsertRun rawBatched,
                          TransferRun ledgerOneCaller, TransferRun ledgerConcurrentCallers,
                          TransferRun ledgerCallersWithOutcomesInFlight, RawReadRun rawRead,
                          RebuildRun rebuild, MarkTickRun markTicks, List<FanOutRun> fanOuts,
                          List<FollowQueryRun> followQueries, List<RawInsertRun> rawBatchSizes,
                          NaiveAxonRun naiveAxon, ScaleRun scale, WritersSection writers) {

    public BenchReport {
        fanOuts = List.copyOf(fanOuts);
        followQueries = List.copyOf(followQueries);
        rawBatchSizes = List.copyOf(rawBatchSizes);
    }

    /** This report with the copy-trading query timings. */
    public BenchReport withFollowQueries(List<FollowQueryRun> queries) {
        return new BenchReport(store, conditions, rawOneRowPerCommit, rawBatched, ledgerOneCaller, ledgerConcurrentCallers,
                ledgerCallersWithOutcomesInFlight, rawRead, rebuild, markTicks, fanOuts, queries, rawBatchSizes, naiveAxon,
                scale, writers);
    }

    /** This report with the scale section. */
    public BenchReport withScale(ScaleRun scaleRun) {
        return new BenchReport(store, conditions, rawOneRowPerCommit, rawBatched, ledgerOneCaller, ledgerConcurrentCallers,
                ledgerCallersWithOutcomesInFlight, rawRead, rebuild, markTicks, fanOuts, followQueries, rawBatchSizes, naiveAxon,
                scaleRun, writers);
    }

    /** This report with the several-writers section. */
    public BenchReport withWriters(WritersSection section) {
        return new BenchReport(store, conditions, rawOneRowPerCommit, rawBatched, ledgerOneCaller, ledgerConcurrentCallers,
                ledgerCallersWithOutcomesInFlight, rawRead, rebuild, markTicks, fanOuts, followQueries, rawBatchSizes, naiveAxon,
                scale, section);
    }

    /**
     * Several writer processes on one PostgreSQL: {@code runs} per number of writers and kind of users, or, when the
     * store could not hold them (an embedded H2 store belongs to one process), none and a {@code note} saying why.
     */
    public record WritersSection(String note, List<WritersRun> runs) {
        public WritersSection {
            runs = List.copyOf(runs);
        }
    }

    /**
     * {@code writers} child JVMs, each a ledger with {@code callersPerWriter} concurrent callers, sending
     * {@code transfers} durable transfers in all on {@code users} users ("disjoint": each writer its own; "shared":
     * all the same), timed from the moment all were warmed up to the last durable outcome; {@code events} counted in
     * the event table. {@code vsOneWriter} divides the events per second by those of one writer on the same kind of
     * users, {@code vsRawBatched} by the raw batched insert's rows per second.
     */
    public record WritersRun(int writers, String users, int callersPerWriter, long transfers, long events,
                             double elapsedSeconds, double eventsPerSecond, double vsOneWriter, double vsRawBatched) {
    }

    /**
     * One lead fill mirrored to {@code copiers} copiers, durable: the median and the fastest of {@code fanOuts}
     * timed fan-outs (opening and closing fills), mirrored events per second at the median, microseconds per
     * copier (flat across sizes when the cost grows linearly), the average payload of the rows it wrote, and the
     * raw limit: that many rows of that payload inserted by plain JDBC in one transaction.
     */
    public record FanOutRun(String leader, int copiers, int fanOuts, double medianMillis, double fastestMillis,
                            double mirroredEventsPerSecond, double microsPerCopier, int payloadBytes,
                            double rawRowsPerSecond, double vsRawInsert) {
    }

    /**
     * The copy-trading queries on the fan-out's data, once the read models have caught up: {@code query
     * followers} of a leader with {@code followers} followers, and {@code query follows} of one of them, each the
     * median of 5 runs.
     */
    public record FollowQueryRun(String leader, int followers, double followersQueryMillis, double followsQueryMillis) {
    }

    /**
     * Mean time of one durable {@code UpdateMarkPrice} (sent alone and awaited) on a symbol with
     * {@code openPositions} open positions and on a symbol with none; {@code busyVsQuiet} near 1 shows a
     * tick's command-path cost does not depend on the positions.
     */
    public record MarkTickRun(int openPositions, int ticks, double busySymbolTickMicros, double quietSymbolTickMicros,
                              double busyVsQuiet) {
    }

    /**
     * Transfers on a plain Axon configuration (Axon's JdbcEventStorageEngine, one command per transaction on the
     * caller's thread, no aggregate cache, no command log) from {@code callers} threads; {@code ledgerTimes} is the
     * ledger's events per second with as many callers divided by these.
     */
    public record NaiveAxonRun(int callers, long transfers, long events, double elapsedSeconds,
                               double transfersPerSecond, double eventsPerSecond, double ledgerTimes) {
    }

    /**
     * The store filled with {@code targetEvents} more events by durable transfers from {@code callers} threads, step
     * by step; point-in-time balance queries on the account with the longest history; the rebuild of every read
     * model in a JVM with a small heap ({@code null} until run).
     */
    public record ScaleRun(long targetEvents, int callers, List<ScaleStep> steps, PointInTimeRun pointInTime,
                           HeapBoundRebuild rebuildInSmallHeap) {
        public ScaleRun {
            steps = List.copyOf(steps);
        }

        public ScaleRun withRebuild(HeapBoundRebuild rebuild) {
            return new ScaleRun(targetEvents, callers, steps, pointInTime, rebuild);
        }
    }

    /**
     * One step of the fill: when it ended the store held {@code eventsStored} events; the step's events per second and
     * its commands' latency, submit to durable outcome; the heap in use at its end.
     */
    public record ScaleStep(long eventsStored, long commands, double seconds, double eventsPerSecond, double p50Millis,
                            double p99Millis, double maxMillis, long heapUsedBytes) {
    }

    /** Point-in-time balance of {@code account} ({@code accountEvents} events) halfway through the fill and at its end. */
    public record PointInTimeRun(String account, long accountEvents, double halfwayMillis, double endMillis) {
    }

    /**
     * Every read model rebuilt (verify-only) in a separate JVM whose heap is capped at {@code heapMiB}: whether it
     * completed, its events and rate, and the peak heap it used; {@code failure} says why not.
     */
    public record HeapBoundRebuild(int heapMiB, boolean completed, long events, double seconds, double eventsPerSecond,
                                   long peakHeapBytes, String failure) {
    }

    /** A timed run of plain JDBC inserts into a scratch table shaped like the event table. */
    public record RawInsertRun(long rows, int rowsPerCommit, double elapsedSeconds, double rowsPerSecond) {
    }

    /**
     * A timed run of accepted transfers from {@code callers} threads, each with up to {@code inFlightPerCaller}
     * transfers sent and not yet durable (1: each awaits its outcome before it sends the next); {@code events} is
     * counted in the event store, not assumed. The ratios compare the ledger's events per second with the raw rows
     * per second.
     */
    public record TransferRun(int callers, int inFlightPerCaller, long transfers, long events, double elapsedSeconds,
                              double transfersPerSecond, double eventsPerSecond,
                              double eventsVsRawBatched, double eventsVsRawOneRowPerCommit) {
        /** How the run is named in the table and the HTML report, e.g. "ledger, 32 callers, up to 16 in flight each". */
        public String label() {
            return "ledger, " + callers + (callers == 1 ? " caller" : " callers")
                    + (inFlightPerCaller > 1 ? ", up to " + inFlightPerCaller + " in flight each" : "");
        }
    }

    /**
     * The raw read of the event table ({@code domainevententry}, every column a rebuild reads, in global-index
     * order) at its fastest: {@code method} is the fastest of {@code methods}, whose figures these are;
     * {@code bytes} counts the column values fetched.
     */
    public record RawReadRun(long rows, long bytes, String method, double elapsedSeconds, double rowsPerSecond,
                             List<RawReadMethod> methods) {
        public RawReadRun {
            methods = List.copyOf(methods);
        }
    }

    /** One way of reading the whole event table, timed. */
    public record RawReadMethod(String method, double elapsedSeconds, double rowsPerSecond) {
    }

    /**
     * Every read model rebuilt verify-only in one pass over the events ({@code eventsReplayed} events, each applied
     * to all {@code readModels}), and each read model alone ({@code perReadModel}). {@code rebuildVsRawRead} divides
     * the one pass's events per second by the raw read's rows per second (1 would mean rebuilding everything is as
     * fast as reading the table).
     */
    public record RebuildRun(int readModels, long eventsReplayed, double elapsedSeconds, double eventsPerSecond,
                             double rebuildVsRawRead, List<ReadModelRebuild> perReadModel) {
        public RebuildRun {
            perReadModel = List.copyOf(perReadModel);
        }
    }

    /**
     * One read model's verify-only rebuild alone: replay into its shadow tables plus the comparison with the live
     * ones, and its rate beside the raw read.
     */
    public record ReadModelRebuild(String readModel, long events, double elapsedSeconds, double eventsPerSecond,
                                   double vsRawRead) {
    }
}
