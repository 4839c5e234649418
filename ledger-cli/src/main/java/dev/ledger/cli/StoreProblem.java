package dev.ledger.cli;

import dev.ledger.api.store.StoreException;
import dev.ledger.api.store.StoreSettings;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What went wrong with the store, in one line that names the store (its host, its file) and what to do:
 * an unknown host, nothing listening, no answer, a refused user, a missing database, a file in use. The
 * failure's causes say which: the drivers' own messages are kept where they are the clearest words.
 */
final class StoreProblem {

    private static final Pattern POSTGRES_HOST = Pattern.compile("^jdbc:postgresql://(\\[[^]]*]|[^:/?,]*)(?::(\\d+))?");

    private StoreProblem() {
    }

    /** Whether {@code failure} is the store's: a {@link StoreException}, or a database or network fault beneath. */
    static boolean isStoreFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof StoreException || t instanceof SQLException || t instanceof UnknownHostException
                    || t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The line for a failure of the store {@code settings} (null when the command cannot say which store
     * it used), without the command's name.
     */
    static String describe(Throwable failure, StoreSettings settings, String where) {
        String store = where == null ? "the store" : "the store at " + where;
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof UnknownHostException) {
                return "cannot reach " + store + ": unknown host " + t.getMessage()
                        + "; check the host name in --db (or LEDGER_DB_URL)";
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return "cannot reach " + store + ": nothing accepts connections at " + hostAndPort(settings, t)
                        + " (" + firstLine(t.getMessage()) + "); check the host and port in --db and that the database server runs";
            }
            if (t instanceof SocketTimeoutException) {
                return "cannot reach " + store + ": " + hostAndPort(settings, t) + " did not answer in time ("
                        + firstLine(t.getMessage()) + "); check the host and port in --db and the network";
            }
        }
        SQLException sql = deepestSql(failure);
        if (sql != null) {
            String state = sql.getSQLState() == null ? "" : sql.getSQLState();
            String message = firstLine(sql.getMessage());
            if (state.equals("28000") || state.equals("28P01")) {
                String user = settings == null ? "" : " as user '" + settings.user() + "'";
                boolean h2 = settings != null && settings.h2File().isPresent();
                return "cannot log in to " + store + user + ": " + message + (h2
                        ? "; an H2 file store made by this program (the default, or --db jdbc:h2:file:...) has user sa "
                        + "and an empty password: give the user it was made with in --db-user and --db-password"
                        : "; check --db-user and --db-password (or LEDGER_DB_USER and LEDGER_DB_PASSWORD)");
            }
            if (state.equals("3D000")) {
                return "cannot open " + store + ": " + message + "; create the database first (see docs/operations.md)";
            }
            if (state.equals("08001") && message.toLowerCase(Locale.ROOT).contains("timed out")) {
                return "cannot reach " + store + ": " + hostAndPort(settings, sql) + " did not answer in time ("
                        + message + "); check the host and port in --db and the network";
            }
            if (message.contains("[90020-")) {
                return "cannot open " + store + ": its file is in use by another process that does not serve it to others "
                        + "(" + message + "); stop that process, or open the store with AUTO_SERVER=TRUE in both";
            }
        }
        return store + " failed: " + ErrorReporter.rootMessage(failure)
                + "; check --db (or LEDGER_DB_URL) and that the database is reachable";
    }

    /**
     * Checks that an H2 file store can be created or opened where its URL says, before H2 tries (H2
     * reports an unusable path with a stack trace of its own on the console). The directory is created
     * when missing, as H2 would do.
     *
     * @return why the path is unusable, or {@code null} when it is usable (or not an H2 file store)
     */
    static String unusableH2Path(StoreSettings settings) {
        Path file = settings.h2File().map(Path::toAbsolutePath).orElse(null);
        if (file == null) {
            return null;
        }
        Path directory = file.getParent();
        if (directory == null) {
            return "cannot use " + file + " as an H2 store: it names no directory";
        }
        for (Path up = directory; up != null; up = up.getParent()) {
            if (Files.exists(up) && !Files.isDirectory(up)) {
                return "cannot use " + file + " as an H2 store: " + up + " is a file, not a directory";
            }
            if (Files.isDirectory(up)) {
                break;
            }
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException | SecurityException e) {
            return "cannot use " + file + " as an H2 store: cannot create the directory " + directory + " ("
                    + FileProblem.reason(e) + ")";
        }
        if (!Files.isWritable(directory)) {
            return "cannot use " + file + " as an H2 store: the directory " + directory + " is not writable";
        }
        Path data = Path.of(file + ".mv.db");
        if (Files.isDirectory(data)) {
            return "cannot use " + file + " as an H2 store: " + data + " is a directory, not a database file";
        }
        return null;
    }

    private static String hostAndPort(StoreSettings settings, Throwable fallback) {
        if (settings != null && settings.isPostgres()) {
            Matcher m = POSTGRES_HOST.matcher(settings.jdbcUrl());
            if (m.find()) {
                String host = m.group(1).isEmpty() ? "localhost" : m.group(1);
                return host + ":" + (m.group(2) == null ? "5432" : m.group(2));
            }
        }
        return settings == null ? firstLine(fallback.getMessage()) : settings.describe();
    }

    private static SQLException deepestSql(Throwable failure) {
        SQLException deepest = null;
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                deepest = sql;
            }
        }
        return deepest;
    }

    private static Throwable next(Throwable t) {
        return t.getCause() == t ? null : t.getCause();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        return message.lines().findFirst().orElse(message).strip();
    }
}
