package dev.ledger.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.UUID;

/** One in-process run of the {@code ledger} command line, with what it printed. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = LedgerCommandLine.create();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    /**
     * A store of its own for one test: an in-memory H2 database that outlives each command's ledger
     * (DB_CLOSE_DELAY=-1) until the JVM ends, as a file store outlives each process.
     */
    static String freshDatabase(String purpose) {
        return "jdbc:h2:mem:" + purpose + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    /** The lines printed on standard error. */
    String[] errLines() {
        return err.lines().toArray(String[]::new);
    }
}
