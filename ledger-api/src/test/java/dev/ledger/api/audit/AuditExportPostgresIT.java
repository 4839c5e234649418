package dev.ledger.api.audit;

import dev.ledger.api.support.MutableClock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ledger.api.Ledger;
import dev.ledger.api.store.StoreSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import static dev.ledger.api.audit.AuditScenario.DAY_2;
import static dev.ledger.api.audit.AuditScenario.DAY_3;
import static dev.ledger.api.audit.Exports.export;
import static dev.ledger.api.audit.Exports.verify;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The export on PostgreSQL (embedded): the same scenario as on H2 gives the same lines (event ids and
 * hashes aside, since event ids are random), filters select the same rows, and the cursor-based read
 * crosses fetch boundaries without losing or repeating a row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditExportPostgresIT {

    private EmbeddedPostgres server;
    private Ledger postgres;
    private Ledger h2;
    private DataSource store;

    @BeforeAll
    void start() throws Exception {
        server = EmbeddedPostgres.builder()
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .start();
        String database = "audit_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = server.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        }
        String url = "jdbc:postgresql://localhost:" + server.getPort() + "/" + database;
        MutableClock clock = new MutableClock(AuditScenario.DAY_1);
        postgres = Ledger.builder().store(StoreSettings.of(url, "postgres", "postgres")).clock(clock).build();
        AuditScenario.populate(postgres, clock);
        h2 = Ledger.builder().store(StoreSettings.inMemory("audit-pg-twin-" + UUID.randomUUID())).clock(clock).build();
        AuditScenario.populate(h2, clock);
        store = postgres.store().dataSource();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            postgres.close();
            h2.close();
        } finally {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void exportsEveryEventAndVerifies(ExportFormat format, @TempDir Path directory) throws Exception {
        Path file = directory.resolve("export.jsonl");
        ExportSummary summary = AuditExport.write(postgres.store(), ExportFilter.all(), format, file, null);
        assertThat(summary.count()).isEqualTo(StoredEvents.count(store, ""));
        VerificationResult result = AuditVerifier.verify(file);
        assertThat(result.message()).isEqualTo("OK " + summary.describe());
        assertThat(export(store, ExportFilter.all(), format).positions()).isEqualTo(StoredEvents.positions(store, ""));
    }

    @Test
    void linesAreTheSameAsOnH2ApartFromEventIdsAndHashes() {
        List<ObjectNode> onPostgres = export(store, ExportFilter.all(), ExportFormat.JSON_LINES).eventLines();
        List<ObjectNode> onH2 = export(h2.store().dataSource(), ExportFilter.all(), ExportFormat.JSON_LINES).eventLines();
        for (List<ObjectNode> lines : List.of(onPostgres, onH2)) {
            lines.forEach(line -> line.remove(List.of("eventId", "hash", "prevHash")));
        }
        assertThat(onPostgres).isNotEmpty().isEqualTo(onH2);
    }

    @Test
    void aCursorWithSmallFetchesReadsEveryRowOnce() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AuditExport.withFetchSize(store, 4).run(ExportFilter.all(), ExportFormat.JSON_LINES, out, ExportProgress.NONE);
        assertThat(out.toByteArray()).isEqualTo(export(store, ExportFilter.all(), ExportFormat.JSON_LINES).bytes());
        assertThat(verify(out.toByteArray()).ok()).isTrue();
    }

    @Test
    void filtersSelectTheSameRowsAsSql() {
        assertThat(export(store, ExportFilter.all().withAccount("alice:COPY"), ExportFormat.CLOUDEVENTS).positions())
                .isNotEmpty()
                .isEqualTo(StoredEvents.positions(store, "aggregateidentifier = 'alice:COPY'"));
        assertThat(export(store, ExportFilter.all().withUser("al"), ExportFormat.JSON_LINES).positions())
                .isNotEmpty()
                .isEqualTo(StoredEvents.positions(store, "aggregateidentifier = 'al:FUTURES'"));
        assertThat(export(store, ExportFilter.all().withUser("a_b"), ExportFormat.JSON_LINES).positions())
                .isNotEmpty()
                .isEqualTo(StoredEvents.positions(store, "aggregateidentifier = 'a_b:FUTURES'"));
        assertThat(export(store, ExportFilter.all().withFrom(DAY_2).withTo(DAY_3), ExportFormat.JSON_LINES).positions())
                .isNotEmpty()
                .isEqualTo(StoredEvents.rows(store, "").stream()
                        .filter(row -> !row.timestamp().isBefore(DAY_2) && row.timestamp().isBefore(DAY_3))
                        .map(StoredEvents.Row::position).toList());
    }

    @Test
    void theConnectionGoesBackToThePoolInAutoCommit() throws Exception {
        for (int i = 0; i < 20; i++) {
            export(store, ExportFilter.all().withUser("alice"), ExportFormat.JSON_LINES);
        }
        try (Connection connection = store.getConnection()) {
            assertThat(connection.getAutoCommit()).isTrue();
        }
        assertThat(postgres.execute(new dev.ledger.domain.command.Deposit("after-export", "al:FUTURES", "USDT",
                java.math.BigDecimal.ONE))).isInstanceOf(dev.ledger.api.Outcome.Accepted.class);
    }
}
