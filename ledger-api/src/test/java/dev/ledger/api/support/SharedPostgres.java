package dev.ledger.api.support;

import dev.ledger.api.store.StoreSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL server per JVM, started on first use and stopped by a shutdown hook.
 * Every test gets a database of its own on it, so tests never see each other's data.
 */
public final class SharedPostgres {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private SharedPostgres() {
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                // Durability settings off: the tests stop the ledger, never the server, so nothing
                // they check depends on fsync. This keeps CREATE DATABASE and commits fast.
                server = EmbeddedPostgres.builder()
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .setServerConfig("max_connections", "300")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
            }
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // The JVM is going away; the server's temporary directory goes with it.
                }
            }, "embedded-postgres-stop"));
        }
        return server;
    }

    /** Creates an empty database {@code test_N} on the shared server and returns its settings. */
    public static StoreSettings newDatabase() {
        EmbeddedPostgres pg = server();
        String name = "test_" + DATABASES.incrementAndGet();
        try (Connection connection = pg.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return StoreSettings.of("jdbc:postgresql://localhost:" + pg.getPort() + "/" + name, USER, PASSWORD);
    }
}
