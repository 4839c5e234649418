package dev.ledger.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The work the {@code ledger} launcher records its class-data-sharing archive from. Once after each build the
 * launcher runs this class with {@code -XX:ArchiveClassesAtExit}; every later start maps the classes it
 * loaded instead of loading them again. So it runs what the short, frequent commands run, each on a ledger
 * opened afresh as a new process would open it: the demo writes a throwaway H2 file store (the write path,
 * the read models, the migration), then the queries read it, from the read models and {@code --at} an
 * instant (which decodes the stored events), and the status looks at it. Its output is discarded.
 */
final class ClassArchiveTraining {

    private ClassArchiveTraining() {
    }

    /** {@code args[0]}: an empty directory for the throwaway store. Exits 0 when every command succeeded. */
    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "off");
        List<String> failed = run(Path.of(args[0]));
        if (!failed.isEmpty()) {
            System.err.println("ledger: class-archive training: failed: " + String.join("; ", failed));
        }
        System.exit(failed.isEmpty() ? ExitCodes.DONE : ExitCodes.BAD_INPUT);
    }

    /** Runs the commands on a store in {@code directory}; the command lines that did not exit 0, with their codes. */
    static List<String> run(Path directory) {
        String db = "jdbc:h2:file:" + directory.toAbsolutePath().resolve("ledger");
        String account = DemoScenario.USER + ":FUTURES";
        String[][] commands = {
                {"demo", "--db", db},
                {"query", "balance", account, "--db", db},
                {"query", "risk", account, "--db", db},
                {"query", "performance", account, "--db", db},
                {"query", "balance", account, "--at", "2999-01-01T00:00:00Z", "--db", db},
                {"status", "--db", db}};
        List<String> failed = new ArrayList<>();
        for (String[] command : commands) {
            PrintWriter discard = new PrintWriter(Writer.nullWriter());
            int exitCode = LedgerCommandLine.create().setOut(discard).setErr(discard).execute(command);
            if (exitCode != ExitCodes.DONE) {
                failed.add(String.join(" ", command) + " (exit " + exitCode + ")");
            }
        }
        return failed;
    }
}
