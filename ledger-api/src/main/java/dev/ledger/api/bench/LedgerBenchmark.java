package dev.ledger.api.bench;

import dev.ledger.domain.event.EventMetadata;
import dev.ledger.domain.event.TransferReceived;
import dev.ledger.domain.event.TransferSent;
import dev.ledger.domain.event.TransferSettled;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;

import java.math.BigDecimal;

import dev.ledger.api.Ledger;
import dev.ledger.api.store.StoreSettings;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@code ledger bench}: measures, in one run on one store, the raw insert limit of the database
 * (plain JDBC, one row per commit and batched) and the ledger's durable transfer throughput (one
 * caller, then {@link #CALLERS} concurrent callers), and sets them side by side; then the read side:
 * the raw sequential read of the event table beside the rebuild of every read model from it. The ledger should be
 * built without read models ({@code startReadModels(false)}) so that the figures are the write path's.
 * Names are unique to the run and the scratch table is dropped, so a non-empty database is fine.
 */
public final class LedgerBenchmark {

    public static final int CALLERS = 32;
    /**
     * In the second run of {@link #CALLERS} callers, how many transfers each may have sent and not yet seen durable:
     * a service that does not wait for each outcome before the next command. The writer's groups then reach the raw
     * batch sizes (up to 512 transfers, 1,536 rows), where a caller that awaits each outcome leaves them at 32.
     */
    public static final int IN_FLIGHT_PER_CALLER = 16;
    public static final int RAW_BATCH_SIZE = 1_000;
    /** The batch sizes the raw insert tries; the fastest is the baseline. */
    public static final int[] RAW_BATCH_SIZES = {100, 1_000, 5_000};
    /** Each caller has users of its own, so concurrent callers never queue on one account. */
    static final int USERS_PER_CALLER = 4;
    /** The most writer processes {@code --writers} may ask for in one configuration. */
    public static final int MAX_WRITERS = WritersBenchmark.MAX_WRITERS;
    /** The limits of {@link Sizes#forTransfers(int)}. */
    public static final int MIN_TRANSFERS = CALLERS;
    public static final int MAX_TRANSFERS = 10_000_000;

    /**
     * How much each part of the run does.
     *
     * @param concurrentTransfers   transfers by the {@link #CALLERS} concurrent callers
     * @param oneCallerTransfers    transfers by the single caller (each waits for its own commit, so fewer)
     * @param rawOneRowPerCommitRows rows inserted one per commit
     * @param rawBatchedRows        rows inserted {@link #RAW_BATCH_SIZE} per commit
     * @param warmUpTransfers       transfers sent, untimed, before the ledger is measured
     * @param openPositions         open positions on the symbol whose mark ticks are timed
     */
    public record Sizes(int concurrentTransfers, int oneCallerTransfers, int rawOneRowPerCommitRows,
                        int rawBatchedRows, int warmUpTransfers, int openPositions, int[] fanOutCopiers) {

        /** The default fan-out sizes: one lead fill mirrored to this many copiers each. */
        public static final int[] DEFAULT_FAN_OUT_COPIERS = {1_000, 10_000, 100_000};
        public static final int MAX_FAN_OUT_COPIERS = 1_000_000;

        /** These sizes with fan-outs to each of {@code copiers} copiers (none: no fan-out section). */
        public Sizes withFanOutCopiers(int... copiers) {
            for (int n : copiers) {
                if (n < 1 || n > MAX_FAN_OUT_COPIERS) {
                    throw new IllegalArgumentException("fan-out copiers must be between 1 and " + MAX_FAN_OUT_COPIERS
                            + ", got " + n);
                }
            }
            return new Sizes(concurrentTransfers, oneCallerTransfers, rawOneRowPerCommitRows, rawBatchedRows,
                    warmUpTransfers, openPositions, copiers.clone());
        }

        /** The default number of open positions behind the timed mark ticks. */
        public static final int DEFAULT_OPEN_POSITIONS = 2_000;
        public static final int MAX_OPEN_POSITIONS = 1_000_000;

        /** These sizes with {@code openPositions} open positions behind the timed mark ticks. */
        public Sizes withOpenPositions(int openPositions) {
            if (openPositions < 0 || openPositions > MAX_OPEN_POSITIONS) {
                throw new IllegalArgumentException("open positions must be between 0 and " + MAX_OPEN_POSITIONS
                        + ", got " + openPositions);
            }
            return new Sizes(concurrentTransfers, oneCallerTransfers, rawOneRowPerCommitRows, rawBatchedRows,
                    warmUpTransfers, openPositions, fanOutCopiers);
        }

        /** Sizes derived from the concurrent transfer count; the raw runs write as many rows as the ledger writes events. */
        public static Sizes forTransfers(int concurrentTransfers) {
            if (concurrentTransfers < MIN_TRANSFERS || concurrentTransfers > MAX_TRANSFERS) {
                throw new IllegalArgumentException("transfers must be between " + MIN_TRANSFERS + " and " + MAX_TRANSFERS
                        + ", got " + concurrentTransfers);
            }
            int oneCaller = Math.max(concurrentTransfers / 10, 10);
            return new Sizes(concurrentTransfers, oneCaller, 3 * oneCaller, 3 * concurrentTransfers,
                    Math.max(concurrentTransfers / 10, CALLERS), DEFAULT_OPEN_POSITIONS, DEFAULT_FAN_OUT_COPIERS);
        }
    }

    private final Ledger ledger;
    private final String storeDescription;
    private final Sizes sizes;
    private final Consumer<String> progress;
    private final String runId = UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);

    /**
     * @param progress told what the benchmark is doing, step by step
     */
    public LedgerBenchmark(Ledger ledger, String storeDescription, Sizes sizes, Consumer<String> progress) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.storeDescription = Objects.requireNonNull(storeDescription, "storeDescription");
        this.sizes = Objects.requireNonNull(sizes, "sizes");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /**
     * The copy-trading queries timed on {@code withReadModels} (a ledger on the same store whose read models run)
     * for the fan-outs of {@code report}, after waiting for its read models to catch up; the report with them.
     */
    public static BenchReport withFollowQueries(BenchReport report, Ledger withReadModels) {
        if (report.fanOuts().isEmpty()) {
            return report;
        }
        withReadModels.awaitReadModels();
        return report.withFollowQueries(FanOutBenchmark.timeQueries(withReadModels, report.fanOuts()));
    }

    /** The most events {@code --events} may ask for. */
    public static final long MAX_SCALE_EVENTS = 100_000_000L;

    /** The smallest heap, in MiB, that the rebuild of a filled store is run in. */
    public static final int SMALL_HEAP_MIB = 256;

    /**
     * Fills the store of {@code ledger} ({@code settings}) with {@code events} more events by durable transfers from
     * {@link #CALLERS} callers, step by step (see {@link ScaleBenchmark}), times point-in-time queries on the account
     * with the longest history, then rebuilds every read model in a JVM whose heap is capped at {@link #SMALL_HEAP_MIB}.
     */
    public static BenchReport.ScaleRun scale(Ledger ledger, StoreSettings settings, long events, Consumer<String> progress) {
        if (events < 1) {
            throw new IllegalArgumentException("events must be positive, got " + events);
        }
        String runId = UUID.randomUUID().toString().replace("-", "").substring(0, 8).toLowerCase(Locale.ROOT);
        BenchReport.ScaleRun run = new ScaleBenchmark(ledger, runId, progress).run(events, CALLERS);
        progress.accept("scale: rebuilding every read model in a JVM with a " + SMALL_HEAP_MIB + " MiB heap");
        return run.withRebuild(HeapBoundRebuildProbe.run(settings, SMALL_HEAP_MIB, 240));
    }

    /** The rows of one transfer (sent, received, settled) as the ledger stores them: serialized payloads and metadata. */
    static List<RawInsertBenchmark.RowShape> transferRows(Serializer serializer, String runId) {
        String id = "bench-" + runId + "-transfer-000001";
        String from = "bench-" + runId + "-u0:FUTURES";
        String to = "bench-" + runId + "-u0:COPY";
        BigDecimal amount = new BigDecimal("1.00000000");
        List<Object> events = List.of(
                new TransferSent(id, from, to, "USDT", amount, new BigDecimal("999.00000000"), amount),
                new TransferReceived(id, from, to, "USDT", amount, new BigDecimal("1.00000000")),
                new TransferSettled(id, from, to, "USDT", amount, BigDecimal.ZERO.setScale(8)));
        byte[] metadata = serializer.serialize(MetaData.with(EventMetadata.COMMAND_ID, id), byte[].class).getData();
        List<RawInsertBenchmark.RowShape> rows = new ArrayList<>();
        for (Object event : events) {
            SerializedObject<byte[]> payload = serializer.serialize(event, byte[].class);
            rows.add(new RawInsertBenchmark.RowShape(payload.getType().getName(), payload.getType().getRevision(),
                    payload.getData(), metadata));
        }
        return rows;
    }

    public BenchReport run() {
        BenchReport.RawInsertRun rawOneRowPerCommit;
        JitWarmUp.Result rawWarmUp;
        List<BenchReport.RawInsertRun> rawBatchSizes = new ArrayList<>();
        try (RawInsertBenchmark raw = new RawInsertBenchmark(ledger.store().dataSource(), "ledger_bench_raw_" + runId,
                "bench-" + runId + "-raw", transferRows(ledger.store().serializer(), runId))) {
            progress.accept("raw inserts: warming up until the JIT compiler settles");
            rawWarmUp = new JitWarmUp().run(() -> {
                raw.insert(Math.min(sizes.rawOneRowPerCommitRows(), 500), 1);
                raw.insert(Math.min(sizes.rawBatchedRows(), 5 * RAW_BATCH_SIZE), RAW_BATCH_SIZE);
            });
            progress.accept("raw inserts: " + sizes.rawOneRowPerCommitRows() + " rows, one per commit");
            rawOneRowPerCommit = raw.measure(sizes.rawOneRowPerCommitRows(), 1);
            for (int batch : RAW_BATCH_SIZES) {
                progress.accept("raw inserts: " + sizes.rawBatchedRows() + " rows, " + batch + " per commit");
                rawBatchSizes.add(raw.measure(sizes.rawBatchedRows(), batch));
            }
        }
        // The strongest raw writer is the baseline the ledger is held against.
        BenchReport.RawInsertRun rawBatched = rawBatchSizes.stream()
                .max(Comparator.comparingDouble(BenchReport.RawInsertRun::rowsPerSecond)).orElseThrow();

        TransferBenchmark transfers = new TransferBenchmark(ledger, "bench-" + runId + "-", CALLERS * USERS_PER_CALLER);
        progress.accept("ledger: opening and funding " + CALLERS * USERS_PER_CALLER + " users");
        transfers.openAndFund();
        progress.accept("ledger: warming up, rounds of twice " + sizes.warmUpTransfers() + " transfers (awaited each, and "
                + IN_FLIGHT_PER_CALLER + " in flight per caller) until the JIT compiler settles");
        JitWarmUp.Result ledgerWarmUp = new JitWarmUp().run(() -> transfers.warmUp(CALLERS, IN_FLIGHT_PER_CALLER,
                sizes.warmUpTransfers()));
        progress.accept("ledger: " + sizes.oneCallerTransfers() + " transfers from 1 caller");
        BenchReport.TransferRun oneCaller = transfers.measure(1, 1, sizes.oneCallerTransfers(), rawBatched,
                rawOneRowPerCommit);
        progress.accept("ledger: " + sizes.concurrentTransfers() + " transfers from " + CALLERS + " callers");
        BenchReport.TransferRun concurrent = transfers.measure(CALLERS, 1, sizes.concurrentTransfers(), rawBatched,
                rawOneRowPerCommit);
        progress.accept("ledger: " + sizes.concurrentTransfers() + " transfers from " + CALLERS + " callers, each with up to "
                + IN_FLIGHT_PER_CALLER + " in flight");
        BenchReport.TransferRun inFlight = transfers.measure(CALLERS, IN_FLIGHT_PER_CALLER, sizes.concurrentTransfers(),
                rawBatched, rawOneRowPerCommit);
        int naiveTransfers = Math.max(CALLERS, sizes.concurrentTransfers() / 10);
        progress.accept("naive Axon configuration: " + naiveTransfers + " transfers from " + CALLERS + " callers");
        NaiveAxonBenchmark naive = new NaiveAxonBenchmark(ledger.store(), runId);
        BenchReport.NaiveAxonRun naiveAxon = naive.measure(CALLERS, naiveTransfers, concurrent);

        progress.accept("mark ticks: opening " + sizes.openPositions() + " positions on one symbol");
        BenchReport.MarkTickRun markTicks = new MarkTickBenchmark(ledger, "b" + runId).run(sizes.openPositions());


        // The read side, on the events just written: the raw read of the event table, then every read model
        // rebuilt verify-only (the live read models stay untouched).
        RawReadBenchmark rawReader = new RawReadBenchmark(ledger.store().dataSource());
        progress.accept("raw read of the event table: " + RawReadBenchmark.METHODS.size() + " ways, each warmed up first");
        BenchReport.RawReadRun rawRead = rawReader.measure();
        RebuildBenchmark rebuilder = new RebuildBenchmark(ledger.store(), progress);
        BenchReport.RebuildRun rebuild = rebuilder.measure(rawRead);

        // Copy trading last, so that its copiers and leaders do not weigh on the read side above.
        List<BenchReport.FanOutRun> fanOuts = sizes.fanOutCopiers().length == 0 ? List.of()
                : new FanOutBenchmark(ledger, runId, progress).run(sizes.fanOutCopiers());

        String conditions = "one process, one store; read models "
                + (ledger.readModelStatus().stream().anyMatch(s -> s.running()) ? "running" : "not running")
                + "; raw rows are a transfer's three events as the ledger stores them (payload and metadata); the read "
                + "side reads every "
                + "event in the store, the rebuild one read model after the other; each path warmed up in rounds "
                + "until a round spent at most " + Math.round(100 * JitWarmUp.SETTLED_SHARE) + " % of its time compiling "
                + "(at most " + JitWarmUp.MAX_ROUNDS + " rounds or " + JitWarmUp.MAX_NANOS / 1_000_000_000L + " s): raw "
                + "inserts " + rawWarmUp.describe() + "; the ledger " + ledgerWarmUp.describe() + "; naive Axon "
                + naive.warmUp().describe() + "; the raw read " + rawReader.warmUp().describe() + "; the rebuild "
                + rebuilder.warmUp().describe();
        return new BenchReport(storeDescription, conditions, rawOneRowPerCommit, rawBatched, oneCaller, concurrent, inFlight,
                rawRead, rebuild, markTicks, fanOuts, List.of(), rawBatchSizes, naiveAxon, null, null);
    }
}
