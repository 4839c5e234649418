package dev.ledger.cli;

import java.io.PrintWriter;

/**
 * Progress of long work on standard error, only when it is a terminal: redirected output stays free
 * of it. One line, rewritten in place.
 */
final class Progress {

    private final PrintWriter err;
    private final boolean shown;
    private boolean pending;

    private Progress(PrintWriter err, boolean shown) {
        this.err = err;
        this.shown = shown;
    }

    /** Progress that is shown when the process runs on a terminal ({@link System#console()}). */
    static Progress onTerminal(PrintWriter err) {
        return new Progress(err, System.console() != null);
    }

    void show(String status) {
        if (shown) {
            err.print("\r" + status + "\u001b[K");
            err.flush();
            pending = true;
        }
    }

    /** Clears the progress line before other output follows. */
    void done() {
        if (pending) {
            err.print("\r\u001b[K");
            err.flush();
            pending = false;
        }
    }
}
