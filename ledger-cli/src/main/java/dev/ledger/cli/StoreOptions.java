package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.api.store.StoreSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.Locale;

/** The options that select the store, shared by every subcommand that opens the ledger. */
public final class StoreOptions {

    /**
     * How long the command line waits for read models before it gives up. Generous, because
     * {@code apply} waits once for a whole file's events.
     */
    static final Duration READ_MODEL_TIMEOUT = Duration.ofMinutes(10);

    /** How long the command line waits for a PostgreSQL server to accept a connection (the driver's default is 10 s). */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** How long it waits for a whole PostgreSQL log-in, name lookup included (Hikari would let it take 30 s). */
    static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(10);

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--db", paramLabel = "URL", defaultValue = "${env:LEDGER_DB_URL}",
            description = "JDBC URL of the store: jdbc:h2:... or jdbc:postgresql://... "
                    + "(default: $LEDGER_DB_URL, else an embedded H2 database under ./ledger-data/)")
    private String url;

    @Option(names = "--db-user", paramLabel = "USER", defaultValue = "${env:LEDGER_DB_USER}",
            description = "database user (default: $LEDGER_DB_USER; for an H2 file store, sa)")
    private String user;

    @Option(names = "--db-password", paramLabel = "PASSWORD", defaultValue = "${env:LEDGER_DB_PASSWORD}",
            description = "database password (default: $LEDGER_DB_PASSWORD, which keeps it out of the process list)")
    private String password;

    /** The settings last handed out, for messages about a failure of that store; null before. */
    private StoreSettings used;

    /** Whether a store was named, by option or environment. */
    boolean given() {
        return url != null && !url.isBlank();
    }

    /**
     * The named store, or the default embedded one under {@code ./ledger-data/}. An H2 file store whose
     * path cannot be used (a file where a directory should be, a directory that cannot be created) is
     * refused here, in one line naming the path.
     */
    StoreSettings settings() {
        return given() ? named() : usable(StoreSettings.embedded(StoreSettings.DEFAULT_DIRECTORY));
    }

    /**
     * The named store; only when {@link #given()}. A PostgreSQL URL gets short connection timeouts
     * (connectTimeout, loginTimeout) unless it sets them: a command line should fail fast on a host
     * that does not answer.
     */
    StoreSettings named() {
        String named = url.strip();
        if (named.startsWith("jdbc:postgresql:")) {
            named = withTimeouts(named);
        }
        try {
            return usable(StoreSettings.of(named, user, password));
        } catch (IllegalArgumentException e) {
            throw new CliFailure(command.qualifiedName() + ": --db: " + e.getMessage());
        }
    }

    /**
     * {@link #settings()} for a command that reads and ends quickly (a query, the status). An H2 file store
     * is then not compacted as it closes: H2 would otherwise spend up to 200 ms of every such command
     * rewriting the file, which matters only after much writing. The commands that write keep H2's default,
     * and a process that keeps the store open compacts it in the background anyway. A URL that sets
     * {@code MAX_COMPACT_TIME} itself keeps its setting; messages name the store as {@link #settings()} does.
     */
    StoreSettings settingsForReading() {
        StoreSettings settings = settings();
        if (settings.h2File().isEmpty() || settings.jdbcUrl().toUpperCase(Locale.ROOT).contains("MAX_COMPACT_TIME=")) {
            return settings;
        }
        return new StoreSettings(settings.jdbcUrl() + ";MAX_COMPACT_TIME=0", settings.user(), settings.password());
    }

    /** The settings last handed out by {@link #settings()} or {@link #named()}, or null. */
    StoreSettings used() {
        return used;
    }

    /**
     * The store in messages: the URL as given (any password masked), or the default store's directory.
     */
    String where() {
        if (given()) {
            return url.strip().replaceAll("(?i)(password=)[^;&]*", "$1***");
        }
        return StoreSettings.DEFAULT_DIRECTORY.toAbsolutePath() + " (the default store)";
    }

    private StoreSettings usable(StoreSettings settings) {
        String problem = StoreProblem.unusableH2Path(settings);
        if (problem != null) {
            throw new CliFailure(command.qualifiedName() + ": " + (given() ? "--db: " : "") + problem
                    + "; name a usable path in --db (or LEDGER_DB_URL)");
        }
        used = settings;
        return settings;
    }

    /** A PostgreSQL URL with the command line's connection timeouts, where it sets none of its own. */
    static String withTimeouts(String postgresUrl) {
        String lower = postgresUrl.toLowerCase(Locale.ROOT);
        StringBuilder withTimeouts = new StringBuilder(postgresUrl);
        char separator = postgresUrl.indexOf('?') < 0 ? '?' : '&';
        if (!lower.contains("connecttimeout=")) {
            withTimeouts.append(separator).append("connectTimeout=").append(CONNECT_TIMEOUT.toSeconds());
            separator = '&';
        }
        if (!lower.contains("logintimeout=")) {
            withTimeouts.append(separator).append("loginTimeout=").append(LOGIN_TIMEOUT.toSeconds());
        }
        return withTimeouts.toString();
    }

    /** Opens the ledger on {@code settings} as the command line uses it. */
    static Ledger open(StoreSettings settings) {
        return builder(settings).build();
    }

    static Ledger.Builder builder(StoreSettings settings) {
        return Ledger.builder().store(settings).readModelTimeout(READ_MODEL_TIMEOUT);
    }
}
