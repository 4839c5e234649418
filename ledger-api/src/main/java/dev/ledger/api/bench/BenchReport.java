package dev.ledger.api.bench;

/**
 * The figures of one {@code ledger bench} run, all measured on the same store in the same process:
 * the raw insert limit of the database, and the ledger's durable transfers beside it. Rates and
 * ratios carry 4 significant digits; they are measurements, not guarantees.
 *
 * @param store                  the store, password hidden
 * @param conditions             what was running and what was not, for reading the figures right
 * @param rawOneRowPerCommit     plain JDBC inserts of event-sized rows, one transaction each
 * @param rawBatched             the same rows, {@link LedgerBenchmark#RAW_BATCH_SIZE} per transaction
 * @param ledgerOneCaller        transfers sent one after the other, each awaited
 * @param ledgerConcurrentCallers transfers sent by {@link LedgerBenchmark#CALLERS} threads at once
 */
public record BenchReport(String store, String conditions, RawInsertRun rawOneRowPerCommit, RawInsertRun rawBatched,
                          TransferRun ledgerOneCaller, TransferRun ledgerConcurrentCallers) {

    /** A timed run of plain JDBC inserts into a scratch table shaped like the event table. */
    public record RawInsertRun(long rows, int rowsPerCommit, double elapsedSeconds, double rowsPerSecond) {
    }

    /**
     * A timed run of accepted transfers; {@code events} is counted in the event store, not assumed.
     * The ratios compare the ledger's events per second with the raw rows per second.
     */
    public record TransferRun(int callers, long transfers, long events, double elapsedSeconds,
                              double transfersPerSecond, double eventsPerSecond,
                              double eventsVsRawBatched, double eventsVsRawOneRowPerCommit) {
    }
}
