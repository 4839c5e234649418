package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.api.store.StoreSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;

/** The options that select the store, shared by every subcommand that opens the ledger. */
public final class StoreOptions {

    /**
     * How long the command line waits for read models before it gives up. Generous, because
     * {@code apply} waits once for a whole file's events.
     */
    static final Duration READ_MODEL_TIMEOUT = Duration.ofMinutes(10);

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--db", paramLabel = "URL", defaultValue = "${env:LEDGER_DB_URL}",
            description = "JDBC URL of the store: jdbc:h2:... or jdbc:postgresql://... "
                    + "(default: $LEDGER_DB_URL, else an embedded H2 database under ./ledger-data/)")
    private String url;

    @Option(names = "--db-user", paramLabel = "USER", defaultValue = "${env:LEDGER_DB_USER}",
            description = "database user (default: $LEDGER_DB_USER)")
    private String user;

    @Option(names = "--db-password", paramLabel = "PASSWORD", defaultValue = "${env:LEDGER_DB_PASSWORD}",
            description = "database password (default: $LEDGER_DB_PASSWORD, which keeps it out of the process list)")
    private String password;

    /** Whether a store was named, by option or environment. */
    boolean given() {
        return url != null && !url.isBlank();
    }

    /** The named store, or the default embedded one under {@code ./ledger-data/}. */
    StoreSettings settings() {
        return given() ? named() : StoreSettings.embedded(StoreSettings.DEFAULT_DIRECTORY);
    }

    /** The named store; only when {@link #given()}. */
    StoreSettings named() {
        try {
            return StoreSettings.of(url.strip(), user, password);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(command.qualifiedName() + ": --db: " + e.getMessage());
        }
    }

    /** Opens the ledger on {@code settings} as the command line uses it. */
    static Ledger open(StoreSettings settings) {
        return builder(settings).build();
    }

    static Ledger.Builder builder(StoreSettings settings) {
        return Ledger.builder().store(settings).readModelTimeout(READ_MODEL_TIMEOUT);
    }
}
