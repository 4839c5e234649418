package dev.ledger.cli;

import java.io.PrintWriter;

/**
 * Lines of one kind (malformed lines, failed commands, refusals) printed up to a limit and the rest
 * counted, so that a file of a million bad lines gives a screenful and a count, not a million lines.
 * The {@code --json} documents list them all.
 */
final class BoundedLines {

    /** At most this many lines of a kind are printed for people. */
    static final int LIMIT = 100;

    private final PrintWriter out;
    private final int limit;
    private long printed;
    private long more;

    BoundedLines(PrintWriter out) {
        this(out, LIMIT);
    }

    BoundedLines(PrintWriter out, int limit) {
        this.out = out;
        this.limit = limit;
    }

    /** Prints {@code line}, or counts it once the limit is reached. */
    void println(String line) {
        if (printed < limit) {
            out.println(line);
            printed++;
        } else {
            more++;
        }
    }

    /** Counts a line that is not printed (one beyond the limit, kept elsewhere); see {@link #println}. */
    void skip(long lines) {
        more += lines;
    }

    /** Whether another line would still be printed. */
    boolean hasRoom() {
        return printed < limit;
    }

    /** How many lines were left out. */
    long more() {
        return more;
    }

    void flush() {
        out.flush();
    }

    /** Ends the list with {@code ... and N more KIND; HINT} when lines were left out. */
    void finish(String kind, String hint) {
        if (more > 0) {
            out.println("... and " + more + " more " + kind + "; " + hint);
        }
    }
}
