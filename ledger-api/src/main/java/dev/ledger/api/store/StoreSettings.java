package dev.ledger.api.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the ledger keeps its data: a JDBC URL with credentials. H2 (embedded, file or memory) and
 * PostgreSQL are supported by the same code; H2 runs in PostgreSQL compatibility mode.
 */
public record StoreSettings(String jdbcUrl, String user, String password) {

    /** The default store of the command line: an embedded H2 file database under {@code ./ledger-data/}. */
    public static final Path DEFAULT_DIRECTORY = Path.of("ledger-data");

    public StoreSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(
                    "unsupported JDBC URL (use jdbc:h2:... or jdbc:postgresql://...): " + jdbcUrl);
        }
        user = user == null ? "" : user;
        password = password == null ? "" : password;
    }

    /**
     * An embedded H2 file database in {@code directory}. The first process to open it serves it to
     * others on the loopback interface (H2's automatic mixed mode), so a second process (a query, a
     * rebuild, an export) can work on it while the first one runs.
     */
    public static StoreSettings embedded(Path directory) {
        String path = directory.toAbsolutePath().resolve("ledger").toString();
        return new StoreSettings("jdbc:h2:file:" + path + h2Options() + ";AUTO_SERVER=TRUE", "sa", "");
    }

    /** An embedded H2 database that lives as long as the process (for tests and examples). */
    public static StoreSettings inMemory(String name) {
        return new StoreSettings("jdbc:h2:mem:" + name + h2Options() + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    public static StoreSettings of(String jdbcUrl, String user, String password) {
        if (jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.toUpperCase().contains("MODE=")) {
            jdbcUrl = jdbcUrl + h2Options();
        }
        return new StoreSettings(jdbcUrl, user, password);
    }

    public boolean isPostgres() {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    /** The URL with any password parameter removed, for messages and logs. */
    public String describe() {
        return jdbcUrl.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }

    private static String h2Options() {
        // PostgreSQL mode lets one set of DDL and SQL serve both stores.
        return ";MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH";
    }
}
