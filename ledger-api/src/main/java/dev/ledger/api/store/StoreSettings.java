package dev.ledger.api.store;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

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

    /**
     * The store at {@code jdbcUrl}. An H2 URL without {@code MODE=} gets the options every H2 store runs
     * with. An H2 file database ({@code jdbc:h2:file:PATH}, or {@code jdbc:h2:PATH}) is opened as
     * {@link #embedded} opens one: user {@code sa} when {@code user} is {@code null}, and
     * {@code AUTO_SERVER=TRUE} (so a second process can open it while the first runs) unless the URL sets
     * {@code AUTO_SERVER} or {@code FILE_LOCK} itself. So {@code of("jdbc:h2:file:DIR/ledger", null, null)}
     * is the same store as {@code embedded(DIR)}.
     */
    public static StoreSettings of(String jdbcUrl, String user, String password) {
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            String upper = jdbcUrl.toUpperCase(Locale.ROOT);
            if (!upper.contains("MODE=")) {
                jdbcUrl = jdbcUrl + h2Options();
            }
            if (h2FilePath(jdbcUrl) != null) {
                if (!upper.contains("AUTO_SERVER=") && !upper.contains("FILE_LOCK=")) {
                    jdbcUrl = jdbcUrl + ";AUTO_SERVER=TRUE";
                }
                if (user == null) {
                    user = "sa";
                }
            }
        }
        return new StoreSettings(jdbcUrl, user, password);
    }

    public boolean isPostgres() {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    /**
     * The database path of an H2 file database as H2 reads it from the URL (the files are this path
     * plus {@code .mv.db}, {@code .lock.db}, ...), {@code ~} standing for the user's home; empty for
     * an H2 memory or server ({@code tcp:}, {@code ssl:}) database and for PostgreSQL.
     */
    public Optional<Path> h2File() {
        String path = h2FilePath(jdbcUrl);
        if (path == null) {
            return Optional.empty();
        }
        if (path.equals("~") || path.startsWith("~/") || path.startsWith("~" + java.io.File.separator)) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        return Optional.of(Path.of(path));
    }

    /** The path part of an H2 file URL, or {@code null} when the URL is not one of an H2 file database. */
    private static String h2FilePath(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return null;
        }
        String rest = url.substring("jdbc:h2:".length());
        int options = rest.indexOf(';');
        String name = options < 0 ? rest : rest.substring(0, options);
        if (name.startsWith("file:")) {
            return name.substring("file:".length());
        }
        // Another prefix (mem:, tcp:, ssl:, memFS:, nio:, ...) is not a plain file database; a one-letter
        // "prefix" is a Windows drive.
        int colon = name.indexOf(':');
        boolean prefixed = colon > 1 && name.substring(0, colon).chars().allMatch(Character::isLetter);
        return prefixed || name.isEmpty() ? null : name;
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
