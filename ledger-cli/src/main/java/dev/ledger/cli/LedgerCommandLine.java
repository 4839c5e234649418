package dev.ledger.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.util.Arrays;

/**
 * {@code ledger}: the command line of {@code cli.md}, a thin shell over {@code dev.ledger.api.Ledger}.
 * Exit status 0 done, 1 done with a reported problem, 2 bad usage or input not applied.
 */
@Command(name = "ledger",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = LedgerCommandLine.ManifestVersion.class,
        description = "An event-sourced ledger for crypto-derivatives exchanges that run copy trading.",
        subcommands = {DemoCommand.class, ApplyCommand.class, QueryCommand.class, MigrateCommand.class,
                RebuildCommand.class, StatusCommand.class, ExportCommand.class, TailCommand.class, VerifyCommand.class,
                CompactCommand.class, BenchCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:done",
                "1:done, but a problem was found and reported (e.g. a refusal under --strict)",
                "2:bad usage, or bad input that was not applied, or a failure that stopped the work"})
public final class LedgerCommandLine {

    /** Read by {@link ErrorReporter} from the parse result; on every subcommand (inherited). */
    @Option(names = ErrorReporter.VERBOSE_OPTION, scope = ScopeType.INHERIT,
            description = "on a failure, print the stack trace after the one-line message, and show the libraries' "
                    + "warnings (LEDGER_DEBUG=1 does the same, with their start-up logs too)")
    boolean verbose;

    private LedgerCommandLine() {
    }

    public static void main(String[] args) {
        boolean verbose = asksForVerbose(args);
        quietLibraryLogging(verbose);
        int exitCode;
        try {
            exitCode = create().execute(args);
        } catch (Error e) {
            // picocli hands only exceptions to ErrorReporter; an Error (out of memory, a broken class path) is one line too.
            System.err.println("ledger: failed: " + e.getClass().getSimpleName() + ": " + ErrorReporter.rootMessage(e)
                    + (verbose ? "" : "; run again with " + ErrorReporter.VERBOSE_OPTION + " to see the stack trace"));
            if (verbose || System.getenv(ErrorReporter.DEBUG_VARIABLE) != null) {
                e.printStackTrace();
            }
            exitCode = ExitCodes.BAD_INPUT;
        }
        // The ledger is closed by then; exit at once rather than wait for library threads to wind down.
        System.exit(exitCode);
    }

    /** The configured command line, for {@link #main} and for tests that run it in-process. */
    public static CommandLine create() {
        ErrorReporter errors = new ErrorReporter();
        return new CommandLine(new LedgerCommandLine())
                .setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors);
    }

    /**
     * Axon, Flyway and HikariCP log their start-up at INFO, and the write path logs its retries with
     * stack traces at WARN; on a command line that is noise between the results, since every failure
     * is reported on one line of its own. Only errors show, warnings too with {@code --verbose}, and
     * everything from INFO up when {@code LEDGER_DEBUG} is set; an
     * explicit {@code -Dorg.slf4j.simpleLogger.defaultLogLevel} wins over both.
     */
    private static void quietLibraryLogging(boolean verbose) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                    System.getenv(ErrorReporter.DEBUG_VARIABLE) != null ? "info" : verbose ? "warn" : "error");
        }
    }

    /**
     * Whether {@code --verbose} is among the options, before picocli parses them: logging is set up
     * before the first library class logs. Arguments after {@code --} are parameters, not options.
     */
    static boolean asksForVerbose(String[] args) {
        return Arrays.stream(args).takeWhile(a -> !a.equals("--")).anyMatch(ErrorReporter.VERBOSE_OPTION::equals);
    }

    /** The version written into the packaged jar's manifest. */
    static final class ManifestVersion implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = LedgerCommandLine.class.getPackage().getImplementationVersion();
            return new String[]{"ledger " + (version == null ? "(development build, not from the packaged jar)" : version)};
        }
    }
}
