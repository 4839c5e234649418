package dev.ledger.api.audit;

import dev.ledger.api.store.LedgerSchema;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The export and the verification run in constant memory: 400,000 events (over 200 MB of export, several
 * times the heap) go through a JVM with a 64 MiB heap, both ways. The events are written straight into the event
 * table of an H2 file database (through the ledger it would take minutes), then a child JVM with
 * {@code -Xmx64m} exports them and another verifies the file. {@code -Daudit.memory.events=N} changes
 * the count ({@code 1000000}: a million events, about 570 MB of export, in the same heap).
 */
class AuditExportMemoryIT {

    private static final long EVENTS = Long.getLong("audit.memory.events", 400_000);
    private static final String HEAP = "-Xmx64m";

    @Test
    void exportAndVerifyOfHundredsOfMegabytesRunInA64MibHeap(@TempDir Path directory) throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("ledger").toAbsolutePath()
                + ";MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH";
        long started = System.nanoTime();
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(url);
        dataSource.setUser("sa");
        LedgerSchema.migrate(dataSource);
        try (Connection connection = dataSource.getConnection()) {
            try (Statement statement = connection.createStatement()) {
                // The unique index on (aggregate, sequence number) makes the load several times slower; the
                // export reads by primary key only, so it changes nothing the export does.
                statement.execute("ALTER TABLE domainevententry DROP CONSTRAINT domainevententry_aggregate_seq");
            }
            connection.setAutoCommit(false);
            try (SyntheticEvents rows = new SyntheticEvents(connection)) {
                rows.realistic(EVENTS, 10_000, Instant.parse("2025-01-01T00:00:00Z"));
            }
            connection.commit();
        }
        long insertedMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(StoredEvents.count(dataSource, "")).isEqualTo(EVENTS);
        System.out.println("AuditExportMemoryIT: inserted " + EVENTS + " events in " + insertedMs + " ms");

        Path export = directory.resolve("export.jsonl");
        String exported = runSmallJvm(directory, "export", url, export.toString(), "jsonl");
        assertThat(exported).startsWith("exported " + EVENTS + " events, head ");
        String head = exported.substring(("exported " + EVENTS + " events, head ").length()).split(" ")[0];
        System.out.println("AuditExportMemoryIT: " + exported + ", " + (Files.size(export) >> 20) + " MiB written");

        String verified = runSmallJvm(directory, "verify", export.toString());
        assertThat(verified).startsWith("OK " + EVENTS + " events, head " + head + " in ");
        System.out.println("AuditExportMemoryIT: " + verified);
    }

    /** Runs {@link AuditExportMain} with a small heap and returns its one line of output. */
    private static String runSmallJvm(Path directory, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"),
                AuditExportMain.class.getName()));
        command.addAll(List.of(arguments));
        Path output = directory.resolve(arguments[0] + ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(arguments[0] + " did not finish in 5 minutes");
        }
        String printed = Files.readString(output).strip();
        assertThat(process.exitValue()).as(arguments[0] + " with " + HEAP + " printed:\n" + printed).isZero();
        String[] lines = printed.split("\n");
        return lines[lines.length - 1];
    }
}
