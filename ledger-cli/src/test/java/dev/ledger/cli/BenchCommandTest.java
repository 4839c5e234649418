package dev.ledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.api.bench.LedgerBenchmark;
import dev.ledger.projections.ProjectionCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks the report's content and shape; the figures themselves are measurements and are not judged. */
class BenchCommandTest {

    @Test
    void reportsPositiveFiguresAndRatiosForEveryRun() throws Exception {
        String db = CliRun.freshDatabase("bench");

        CliRun bench = CliRun.of("bench", "--transfers", "200", "--positions", "50", "--fanout", "15,40", "--json", "--db", db);

        assertThat(bench.exitCode()).as(bench.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(bench.out());
        for (String raw : new String[]{"rawOneRowPerCommit", "rawBatched"}) {
            assertThat(report.get(raw).get("rows").asLong()).as(raw).isPositive();
            assertThat(report.get(raw).get("rowsPerSecond").asDouble()).as(raw).isPositive();
        }
        assertThat(report.get("rawOneRowPerCommit").get("rowsPerCommit").asInt()).isEqualTo(1);
        assertThat(report.get("rawBatchSizes").findValuesAsText("rowsPerCommit")).containsExactly("100", "1000", "5000");
        // The baseline is the fastest batch size tried.
        double fastest = 0;
        for (JsonNode run : report.get("rawBatchSizes")) {
            fastest = Math.max(fastest, run.get("rowsPerSecond").asDouble());
        }
        assertThat(report.get("rawBatched").get("rowsPerSecond").asDouble()).isEqualTo(fastest);

        JsonNode oneCaller = report.get("ledgerOneCaller");
        JsonNode concurrent = report.get("ledgerConcurrentCallers");
        JsonNode inFlight = report.get("ledgerCallersWithOutcomesInFlight");
        assertThat(oneCaller.get("callers").asInt()).isEqualTo(1);
        assertThat(concurrent.get("callers").asInt()).isEqualTo(LedgerBenchmark.CALLERS);
        assertThat(concurrent.get("transfers").asLong()).isEqualTo(200);
        assertThat(oneCaller.get("inFlightPerCaller").asInt()).isEqualTo(1);
        assertThat(concurrent.get("inFlightPerCaller").asInt()).isEqualTo(1);
        assertThat(inFlight.get("callers").asInt()).isEqualTo(LedgerBenchmark.CALLERS);
        assertThat(inFlight.get("inFlightPerCaller").asInt()).isEqualTo(LedgerBenchmark.IN_FLIGHT_PER_CALLER);
        assertThat(inFlight.get("transfers").asLong()).isEqualTo(200);
        for (JsonNode run : new JsonNode[]{oneCaller, concurrent, inFlight}) {
            // Events are counted in the event store: a transfer appends sent, received and settled.
            assertThat(run.get("events").asLong()).isEqualTo(3 * run.get("transfers").asLong());
            assertThat(run.get("transfersPerSecond").asDouble()).isPositive();
            assertThat(run.get("eventsPerSecond").asDouble()).isPositive();
            assertThat(run.get("eventsVsRawBatched").asDouble()).isPositive();
            assertThat(run.get("eventsVsRawOneRowPerCommit").asDouble()).isPositive();
        }
        assertThat(report.get("store").asText()).startsWith("jdbc:h2:mem:bench-");

        JsonNode rawRead = report.get("rawRead");
        assertThat(rawRead.get("rows").asLong()).as("every event of the store is read")
                .isGreaterThanOrEqualTo(oneCaller.get("events").asLong() + concurrent.get("events").asLong()
                        + inFlight.get("events").asLong());
        assertThat(rawRead.get("bytes").asLong()).isGreaterThan(rawRead.get("rows").asLong());
        assertThat(rawRead.get("methods")).as("every way of reading is tried").hasSize(4);
        double fastestRead = 0;
        for (JsonNode method : rawRead.get("methods")) {
            fastestRead = Math.max(fastestRead, method.get("rowsPerSecond").asDouble());
        }
        assertThat(rawRead.get("rowsPerSecond").asDouble()).as("the baseline is the fastest way").isEqualTo(fastestRead);
        assertThat(rawRead.get("method").asText()).isNotBlank();
        assertThat(rawRead.get("elapsedSeconds").asDouble()).isNotNegative();
        assertThat(rawRead.get("rowsPerSecond").asDouble()).isPositive();

        JsonNode naive = report.get("naiveAxon");
        assertThat(naive.get("callers").asInt()).isEqualTo(concurrent.get("callers").asInt());
        assertThat(naive.get("events").asLong()).as("each transfer is three events")
                .isEqualTo(3 * naive.get("transfers").asLong());
        assertThat(naive.get("eventsPerSecond").asDouble()).isPositive();
        assertThat(naive.get("ledgerTimes").asDouble()).isPositive();

        JsonNode rebuild = report.get("rebuild");
        assertThat(rebuild.get("readModels").asInt()).isEqualTo(ProjectionCatalog.names().size());
        assertThat(rebuild.get("perReadModel").findValuesAsText("readModel")).isEqualTo(ProjectionCatalog.names());
        for (JsonNode one : rebuild.get("perReadModel")) {
            // Nothing is written meanwhile: each read model replays every event that the raw read read.
            assertThat(one.get("events").asLong()).as(one.toString()).isEqualTo(rawRead.get("rows").asLong());
            assertThat(one.get("eventsPerSecond").asDouble()).as(one.toString()).isPositive();
        }
        assertThat(rebuild.get("eventsReplayed").asLong()).as("the one pass replays every event once")
                .isEqualTo(rawRead.get("rows").asLong());
        for (JsonNode one : rebuild.get("perReadModel")) {
            assertThat(one.get("vsRawRead").asDouble()).as(one.toString()).isPositive();
        }
        assertThat(rebuild.get("elapsedSeconds").asDouble()).isPositive();
        assertThat(rebuild.get("eventsPerSecond").asDouble()).isPositive();
        assertThat(rebuild.get("rebuildVsRawRead").asDouble()).isPositive();

        JsonNode fanOuts = report.get("fanOuts");
        assertThat(fanOuts.findValuesAsText("copiers")).containsExactly("15", "40");
        for (JsonNode run : fanOuts) {
            assertThat(run.get("fanOuts").asInt()).as(run.toString()).isEqualTo(4);
            assertThat(run.get("medianMillis").asDouble()).as(run.toString()).isPositive();
            assertThat(run.get("fastestMillis").asDouble()).as(run.toString()).isPositive()
                    .isLessThanOrEqualTo(run.get("medianMillis").asDouble());
            assertThat(run.get("mirroredEventsPerSecond").asDouble()).as(run.toString()).isPositive();
            assertThat(run.get("payloadBytes").asInt()).as("the TradeCopied rows written").isGreaterThan(100);
            assertThat(run.get("rawRowsPerSecond").asDouble()).as(run.toString()).isPositive();
            assertThat(run.get("vsRawInsert").asDouble()).as(run.toString()).isPositive();
        }

        JsonNode queries = report.get("followQueries");
        assertThat(queries.findValuesAsText("followers")).containsExactly("15", "40");
        for (JsonNode run : queries) {
            assertThat(run.get("followersQueryMillis").asDouble()).as(run.toString()).isPositive();
            assertThat(run.get("followsQueryMillis").asDouble()).as(run.toString()).isPositive();
        }

        JsonNode ticks = report.get("markTicks");
        assertThat(ticks.get("openPositions").asInt()).isEqualTo(50);
        assertThat(ticks.get("ticks").asInt()).isPositive();
        assertThat(ticks.get("busySymbolTickMicros").asDouble()).isPositive();
        assertThat(ticks.get("quietSymbolTickMicros").asDouble()).isPositive();
        assertThat(ticks.get("busyVsQuiet").asDouble()).isPositive();
    }

    @Test
    void theRebuildLeavesTheLiveReadModelsUntouched() throws Exception {
        String db = CliRun.freshDatabase("bench-rebuild");

        assertThat(CliRun.of("bench", "--transfers", "64", "--positions", "10", "--fanout", "0", "--db", db).exitCode()).isZero();

        // The bench runs without live read models and rebuilds verify-only: no rows appear, no read model moves.
        try (Connection connection = DriverManager.getConnection(db, "", "");
             ResultSet balances = connection.createStatement().executeQuery("SELECT COUNT(*) FROM rm_balance");
             ResultSet moved = connection.createStatement().executeQuery(
                     "SELECT COUNT(*) FROM rm_projection_state WHERE position <> -1")) {
            balances.next();
            moved.next();
            assertThat(balances.getLong(1)).isZero();
            assertThat(moved.getLong(1)).isZero();
        }
    }

    @Test
    void dropsItsScratchTable() throws Exception {
        String db = CliRun.freshDatabase("bench-scratch");

        assertThat(CliRun.of("bench", "--transfers", "64", "--positions", "10", "--fanout", "0", "--db", db).exitCode()).isZero();

        try (Connection connection = DriverManager.getConnection(db, "", "");
             ResultSet tables = connection.getMetaData().getTables(null, null, "%", null)) {
            while (tables.next()) {
                assertThat(tables.getString("TABLE_NAME").toLowerCase()).doesNotStartWith("ledger_bench_");
            }
        }
    }

    @Test
    void printsATableWithEveryRunForPeople() {
        CliRun bench = CliRun.of("bench", "--transfers", "64", "--positions", "10", "--fanout", "10",
                "--db", CliRun.freshDatabase("bench-table"));

        assertThat(bench.exitCode()).as(bench.err()).isZero();
        assertThat(bench.out()).contains("raw insert, 1 row per commit", "raw insert, 1000 rows per commit",
                "ledger, 1 caller", "ledger, 32 callers", "events/s vs raw batched",
                "groups: 32 callers, each waiting for its transfer to be durable, make groups of at most 32 transfers"
                        + " (96 rows); raw inserts at 100 rows per commit reach",
                "ledger, 32 callers, up to 16 in flight each",
                "in flight: with up to 16 transfers each not yet durable, the 32 callers make groups of up to 512"
                        + " transfers (1536 rows), as large as the raw batches; the ledger then reaches",
                "raw read, one cursor, fetch size 1,000", "raw read, pages of 2,000 by index", "(fastest: the baseline)",
                "rebuild balance alone (verify-only)",
                "rebuild, all " + ProjectionCatalog.names().size() + " read models in one pass", "vs raw read",
                "mark-price ticks", "with open positions", "copy trading: one lead fill mirrored to N copiers",
                "µs per copier", "vs raw insert");
    }

    @Test
    void fillsTheStoreStepByStepAndWritesAnHtmlReport(@TempDir Path directory) throws Exception {
        // A file database served to other processes: the rebuild runs in a child JVM with a small heap.
        String db = "jdbc:h2:file:" + directory.resolve("ledger") + ";AUTO_SERVER=TRUE";
        Path page = directory.resolve("bench.html");

        CliRun bench = CliRun.of("bench", "--transfers", "64", "--positions", "10", "--fanout", "0", "--events", "3000",
                "--report", page.toString(), "--json", "--db", db);

        assertThat(bench.exitCode()).as(bench.err()).isZero();
        JsonNode scale = new ObjectMapper().readTree(bench.out()).get("scale");
        assertThat(scale.get("targetEvents").asLong()).isEqualTo(3000);
        JsonNode steps = scale.get("steps");
        assertThat(steps).as("a tenth of the target per step").hasSize(10);
        long stored = 0;
        for (JsonNode step : steps) {
            assertThat(step.get("eventsStored").asLong()).as("the store grows step by step").isGreaterThan(stored);
            stored = step.get("eventsStored").asLong();
            assertThat(step.get("p50Millis").asDouble()).isPositive()
                    .isLessThanOrEqualTo(step.get("p99Millis").asDouble());
            assertThat(step.get("p99Millis").asDouble()).isLessThanOrEqualTo(step.get("maxMillis").asDouble());
            assertThat(step.get("eventsPerSecond").asDouble()).isPositive();
        }
        JsonNode pit = scale.get("pointInTime");
        assertThat(pit.get("accountEvents").asLong()).as("the account all transfers go through").isGreaterThan(1000);
        JsonNode rebuild = scale.get("rebuildInSmallHeap");
        assertThat(rebuild.get("completed").asBoolean()).as(rebuild.toString()).isTrue();
        assertThat(rebuild.get("heapMiB").asInt()).isEqualTo(LedgerBenchmark.SMALL_HEAP_MIB);
        assertThat(rebuild.get("events").asLong()).isGreaterThanOrEqualTo(stored - 1);
        assertThat(rebuild.get("peakHeapBytes").asLong()).isPositive();

        String html = Files.readString(page);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg", "events stored", "p99", "raw batched insert",
                "rebuild, all " + ProjectionCatalog.names().size() + " read models in one pass");
        assertThat(html.replace("http://www.w3.org/2000/svg", "")).as("nothing loaded from the network")
                .doesNotContain("http://", "https://", "<script");
    }

    @Test
    void saysThatSeveralWriterProcessesNeedPostgres() {
        CliRun bench = CliRun.of("bench", "--transfers", "32", "--positions", "0", "--fanout", "0", "--writers", "1,2",
                "--db", CliRun.freshDatabase("bench-writers"));

        assertThat(bench.exitCode()).as(bench.err()).isZero();
        assertThat(bench.out()).contains("several writer processes on one PostgreSQL",
                "not measured: several writer processes need a shared PostgreSQL store");
    }

    @Test
    void refusesAReportInADirectoryThatDoesNotExist(@TempDir Path directory) {
        CliRun bench = CliRun.of("bench", "--report", directory.resolve("missing/bench.html").toString(),
                "--db", CliRun.freshDatabase("bench-report"));

        assertThat(bench.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(bench.errLines()).singleElement().asString().contains("does not exist");
    }

    @Test
    void refusesTooFewTransfers() {
        CliRun bench = CliRun.of("bench", "--transfers", "5", "--db", CliRun.freshDatabase("bench-few"));

        assertThat(bench.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(bench.errLines()).singleElement().asString().contains("--transfers 5 is out of range");
    }
}
